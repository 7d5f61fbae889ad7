using System.Runtime.InteropServices;

namespace VideoTransformers.Cli;

/// <summary>Turns errors from libtorch into one-paragraph messages for the terminal.</summary>
public static class NativeErrors
{
    /// <summary>
    /// The message of a libtorch error without the C++ backtrace that libtorch appends to it ("Exception raised from
    /// ... frame #0: ..."): users need the first lines, which say what was wrong; the frames are libtorch's internals.
    /// </summary>
    public static string Describe(ExternalException e)
    {
        var message = e.Message;
        foreach (var marker in new[] { "\nException raised from ", "Exception raised from " })
        {
            var at = message.IndexOf(marker, StringComparison.Ordinal);
            if (at > 0)
            {
                message = message[..at];
                break;
            }
        }
        return message.TrimEnd();
    }
}
