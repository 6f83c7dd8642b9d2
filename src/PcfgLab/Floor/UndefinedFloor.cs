namespace PcfgLab.Floor;

/// <summary>
/// Marks a <see cref="UserInputException"/> whose cause is the grammar itself (an empty right-hand side, token 0 used as
/// a word, criticality after conditioning): the floor or entropy rate is not defined for it, which a grammar's
/// description reports as such instead of failing. The inner exception is the type a caller tests, never the message.
/// </summary>
internal sealed class UndefinedFloorException : Exception
{
    private UndefinedFloorException(string message)
        : base(message)
    {
    }

    /// <summary>The user-facing error, carrying this marker as its inner exception.</summary>
    public static UserInputException Error(string message) => new(message, new UndefinedFloorException(message));

    /// <summary>Whether <paramref name="exception"/> says that the floor is not defined for the grammar.</summary>
    public static bool IsUndefined(UserInputException exception) => exception.InnerException is UndefinedFloorException;
}
