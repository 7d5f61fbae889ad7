using System.Globalization;

namespace VideoTransformers.Training.Tests.Distributed;

/// <summary>
/// Linux processes read from /proc, identified by pid and start time so that a recycled pid is never mistaken for
/// the process the test saw.
/// </summary>
internal static class ProcessTree
{
    public readonly record struct Entry(int Pid, long StartTime, string Command);

    /// <summary><paramref name="root"/> and all its descendants that are alive now.</summary>
    public static IReadOnlyList<Entry> Descendants(int root)
    {
        var all = Snapshot();
        var found = new List<Entry>();
        var frontier = new Queue<int>([root]);
        while (frontier.Count > 0)
        {
            var pid = frontier.Dequeue();
            if (all.TryGetValue(pid, out var self)) found.Add(self.Entry);
            foreach (var child in all.Values.Where(p => p.Parent == pid)) frontier.Enqueue(child.Entry.Pid);
        }
        return found;
    }

    /// <summary>Those of <paramref name="entries"/> still running (or left as zombies).</summary>
    public static IReadOnlyList<Entry> StillAlive(IEnumerable<Entry> entries) =>
        entries.Where(e => Read(e.Pid) is { } now && now.Entry.StartTime == e.StartTime).ToList();

    private static Dictionary<int, (Entry Entry, int Parent)> Snapshot()
    {
        var map = new Dictionary<int, (Entry, int)>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && Read(pid) is { } p)
                map[pid] = p;
        return map;
    }

    private static (Entry Entry, int Parent)? Read(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name is in parentheses and may itself hold spaces or parentheses: fields follow the last ')'.
            var close = stat.LastIndexOf(')');
            var fields = stat[(close + 2)..].Split(' ');
            var command = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim();
            // fields[0] is the state (field 3 of stat), fields[1] the parent pid, fields[19] the start time (field 22).
            return (new Entry(pid, long.Parse(fields[19], CultureInfo.InvariantCulture), command), int.Parse(fields[1], CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}
