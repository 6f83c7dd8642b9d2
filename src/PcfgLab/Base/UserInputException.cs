namespace PcfgLab.Base;

/// <summary>
/// Bad input from the user (a missing file, a malformed grammar, an impossible option). The message is one
/// line that says what is wrong and what to do; the command line prints it without a stack trace.
/// </summary>
public sealed class UserInputException : Exception
{
    /// <summary>Creates the exception with a one-line message.</summary>
    public UserInputException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a one-line message and its cause.</summary>
    public UserInputException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public UserInputException()
        : base("Invalid input.")
    {
    }
}
