using System.Globalization;
using System.Text;

namespace VideoTransformers.Training.Configuration;

/// <summary>One problem in a configuration file.</summary>
/// <param name="File">The file (or the source name given to the parser).</param>
/// <param name="Line">1-based line of the offending key or value, when known.</param>
/// <param name="Key">The key, when the problem belongs to one.</param>
/// <param name="Value">The value as written in the file, when there is one.</param>
/// <param name="Message">What is wrong and, where possible, what would be right.</param>
public sealed record ConfigError(string File, int? Line, string? Key, string? Value, string Message)
{
    /// <summary>Formats as <c>file:line: key 'lr' = 'abc': must be a number</c>.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder(File);
        if (Line is { } line) sb.Append(':').Append(line.ToString(CultureInfo.InvariantCulture));
        sb.Append(": ");
        if (Key is not null)
        {
            sb.Append("key '").Append(Key).Append('\'');
            if (Value is not null) sb.Append(" = '").Append(Value).Append('\'');
            sb.Append(": ");
        }
        return sb.Append(Message).ToString();
    }
}
