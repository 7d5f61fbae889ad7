using System.Text;

namespace VideoTransformers.Training.IO;

/// <summary>
/// Replaces files by writing a sibling temporary file and renaming it over the target: a crash or Ctrl-C mid-write
/// leaves either the old file or the new one, never a torn mix.
/// </summary>
internal static class AtomicFile
{
    public static void WriteAllText(string path, string text)
    {
        var tmp = Prepare(path);
        File.WriteAllText(tmp, text, new UTF8Encoding(false));
        File.Move(tmp, path, overwrite: true);
    }

    public static void Copy(string source, string destination)
    {
        var tmp = Prepare(destination);
        File.Copy(source, tmp, overwrite: true);
        File.Move(tmp, destination, overwrite: true);
    }

    private static string Prepare(string path)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        return path + ".tmp";
    }
}
