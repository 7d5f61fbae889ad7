using System.Text;

namespace VideoTransformers.Training.Reporting;

/// <summary>Joins a command's arguments into one line a POSIX shell reads back as the same arguments.</summary>
public static class ShellCommand
{
    /// <summary>
    /// The arguments joined by spaces; an argument with any character outside letters, digits and <c>_-./:=@%+,</c>
    /// (or an empty one) is single-quoted, a single quote inside it written as <c>'\''</c>.
    /// </summary>
    public static string Join(IEnumerable<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        return string.Join(' ', arguments.Select(Quote));
    }

    /// <summary>One argument, quoted for a POSIX shell when it needs to be.</summary>
    public static string Quote(string argument)
    {
        ArgumentNullException.ThrowIfNull(argument);
        if (argument.Length > 0 && argument.All(IsPlain)) return argument;
        var b = new StringBuilder(argument.Length + 2).Append('\'');
        foreach (var c in argument)
            b.Append(c == '\'' ? "'\\''" : c.ToString());
        return b.Append('\'').ToString();
    }

    private static bool IsPlain(char c) => char.IsAsciiLetterOrDigit(c) || "_-./:=@%+,".Contains(c);
}
