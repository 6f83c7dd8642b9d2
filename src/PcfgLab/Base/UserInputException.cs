using System.Globalization;

namespace PcfgLab.Base;

/// <summary>
/// Bad input from the user (a missing file, a malformed grammar, an impossible option). The message is one
/// line that says what is wrong and what to do; the command line prints it without a stack trace. When the fault
/// is a parameter's, <see cref="ForParameters(FormattableString)"/> makes the message name it by the library's
/// name, and <see cref="Render"/> names it as a front end does (the command line says <c>--threads</c> where the
/// library says <c>threads</c>).
/// </summary>
public sealed class UserInputException : Exception
{
    private readonly string? _format;
    private readonly object?[] _arguments = [];

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

    private UserInputException(string format, object?[] arguments, Exception? innerException)
        : base(Format(format, arguments, static name => new Parameter(name).ToString()), innerException)
    {
        _format = format;
        _arguments = arguments;
    }

    /// <summary>The parameters the message names, by their library names (qualified where the message qualified them), in order.</summary>
    public IReadOnlyList<string> Parameters
    {
        get
        {
            var names = new List<string>();
            foreach (var argument in _arguments)
            {
                if (argument is Parameter p)
                {
                    names.Add(p.Name);
                }
            }

            return names;
        }
    }

    /// <summary>
    /// Bad input in one or more parameters: <paramref name="message"/> names each with a <see cref="Parameter"/>
    /// hole (<c>$"{new Parameter(nameof(threads))} must be positive, got {threads}."</c>). Values are formatted
    /// with the invariant culture.
    /// </summary>
    public static UserInputException ForParameters(FormattableString message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return new UserInputException(message.Format, message.GetArguments(), null);
    }

    /// <summary>Bad input in one or more parameters, with its cause (see <see cref="ForParameters(FormattableString)"/>).</summary>
    public static UserInputException ForParameters(FormattableString message, Exception innerException)
    {
        ArgumentNullException.ThrowIfNull(message);
        return new UserInputException(message.Format, message.GetArguments(), innerException);
    }

    /// <summary>
    /// The message for a front end that calls parameters by names of its own (the command line by its flags);
    /// <see cref="Exception.Message"/> when the message names no parameter.
    /// </summary>
    /// <param name="nameOf">A parameter's name in the front end, given its library name.</param>
    public string Render(Func<string, string> nameOf)
    {
        ArgumentNullException.ThrowIfNull(nameOf);
        return _format is null ? Message : Format(_format, _arguments, nameOf);
    }

    /// <summary>The same error with <paramref name="prefix"/> before its message (for example the dataset it concerns), naming the same parameters.</summary>
    public UserInputException WithPrefix(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        return _format is null
            ? new UserInputException(prefix + Message, this)
            : new UserInputException(prefix.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal) + _format, _arguments, this);
    }

    private static string Format(string format, object?[] arguments, Func<string, string> nameOf)
    {
        var shown = new object?[arguments.Length];
        for (var i = 0; i < arguments.Length; i++)
        {
            shown[i] = arguments[i] is Parameter p ? nameOf(p.Name) : arguments[i];
        }

        return string.Format(CultureInfo.InvariantCulture, format, shown);
    }
}
