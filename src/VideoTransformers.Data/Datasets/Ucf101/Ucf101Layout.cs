using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace VideoTransformers.Data.Datasets;

/// <summary>
/// The UCF101 files: videos in <c>UCF-101/&lt;Class&gt;/v_&lt;Class&gt;_gXX_cYY.avi</c> and the official split lists
/// in <c>ucfTrainTestlist/</c>: <c>classInd.txt</c> (<c>1 ApplyEyeMakeup</c>), <c>trainlist0N.txt</c>
/// (<c>Class/file.avi label</c>, 1-based) and <c>testlist0N.txt</c> (<c>Class/file.avi</c>, label from the folder),
/// folds 1–3. Class and file names are matched case-insensitively because the official lists and the
/// archive disagree on case (<c>HandstandPushups</c> vs <c>HandStandPushups</c>).
/// </summary>
public sealed class Ucf101Layout
{
    private readonly Dictionary<string, int> _classIndex;
    private readonly bool _skipMissing;
    private readonly ILogger _logger;
    private readonly Dictionary<string, Dictionary<string, string>> _folderFiles = new(StringComparer.OrdinalIgnoreCase);

    private Ucf101Layout(string videoRoot, string listRoot, List<string> classes, bool skipMissing, ILogger logger)
    {
        VideoRoot = videoRoot;
        ListRoot = listRoot;
        ClassNames = classes;
        _classIndex = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < classes.Count; i++) _classIndex[classes[i]] = i;
        _skipMissing = skipMissing;
        _logger = logger;
    }

    /// <summary>The <c>UCF-101</c> folder.</summary>
    public string VideoRoot { get; }

    /// <summary>The <c>ucfTrainTestlist</c> folder.</summary>
    public string ListRoot { get; }

    /// <summary>Class names in label order.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Reads <c>classInd.txt</c>.</summary>
    /// <param name="videoRoot">The <c>UCF-101</c> folder.</param>
    /// <param name="listRoot">The <c>ucfTrainTestlist</c> folder.</param>
    /// <param name="skipMissingVideos">When true, listed videos that are not on disk are logged and left out instead of failing.</param>
    /// <param name="logger">Receives warnings about skipped videos.</param>
    /// <exception cref="DirectoryNotFoundException">A folder does not exist.</exception>
    /// <exception cref="FileNotFoundException"><c>classInd.txt</c> is missing.</exception>
    /// <exception cref="InvalidDataException"><c>classInd.txt</c> is malformed.</exception>
    public static Ucf101Layout Load(string videoRoot, string listRoot, bool skipMissingVideos = false, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(videoRoot);
        ArgumentException.ThrowIfNullOrEmpty(listRoot);
        var vr = Path.GetFullPath(videoRoot);
        var lr = Path.GetFullPath(listRoot);
        if (!Directory.Exists(vr)) throw new DirectoryNotFoundException($"UCF101 video folder '{vr}' does not exist.");
        if (!Directory.Exists(lr)) throw new DirectoryNotFoundException($"UCF101 split folder '{lr}' does not exist.");
        var classFile = Path.Combine(lr, "classInd.txt");
        if (!File.Exists(classFile)) throw new FileNotFoundException($"UCF101 class list '{classFile}' does not exist.", classFile);
        var byIndex = new SortedDictionary<int, string>();
        int n = 0;
        foreach (var raw in File.ReadLines(classFile))
        {
            n++;
            var line = raw.Trim();
            if (line.Length == 0) continue;
            var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 2 || !int.TryParse(parts[0], out var idx) || idx < 1)
                throw new InvalidDataException($"{classFile}, line {n}: expected '<1-based index> <ClassName>', found '{line}'.");
            if (!byIndex.TryAdd(idx, parts[1])) throw new InvalidDataException($"{classFile}, line {n}: class index {idx} repeats.");
        }
        if (byIndex.Count == 0) throw new InvalidDataException($"UCF101 class list '{classFile}' is empty.");
        if (byIndex.Keys.First() != 1 || byIndex.Keys.Last() != byIndex.Count)
            throw new InvalidDataException($"UCF101 class list '{classFile}' must number its classes 1..{byIndex.Count} without gaps.");
        return new Ucf101Layout(vr, lr, byIndex.Values.ToList(), skipMissingVideos, logger ?? NullLogger.Instance);
    }

    /// <summary>Index of <paramref name="className"/> (case-insensitive), or -1.</summary>
    public int IndexOf(string className) => _classIndex.TryGetValue(className, out var i) ? i : -1;

    /// <summary>The videos of fold <paramref name="fold"/> (1–3), <see cref="DatasetSplit.Train"/> or <see cref="DatasetSplit.Test"/>.</summary>
    /// <exception cref="FileNotFoundException">The list file, or a listed video, is missing.</exception>
    /// <exception cref="InvalidDataException">A line is malformed, names an unknown class, or its label disagrees with its folder.</exception>
    public IReadOnlyList<Ucf101Video> GetSplit(int fold, DatasetSplit part)
    {
        if (fold is < 1 or > 3) throw new ArgumentOutOfRangeException(nameof(fold), fold, "UCF101 has folds 1, 2 and 3.");
        var listName = part switch
        {
            DatasetSplit.Train => $"trainlist0{fold}.txt",
            DatasetSplit.Test => $"testlist0{fold}.txt",
            _ => throw new ArgumentException("UCF101 has only train and test lists.", nameof(part)),
        };
        var list = Path.Combine(ListRoot, listName);
        if (!File.Exists(list)) throw new FileNotFoundException($"UCF101 split list '{list}' does not exist.", list);
        var result = new List<Ucf101Video>();
        int n = 0;
        foreach (var raw in File.ReadLines(list))
        {
            n++;
            var line = raw.Trim();
            if (line.Length == 0) continue;
            var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            var rel = parts[0].Replace('\\', '/');
            var slash = rel.IndexOf('/');
            if (slash <= 0) throw new InvalidDataException($"{list}, line {n}: '{rel}' is not '<Class>/<file>'.");
            int label = IndexOf(rel[..slash]);
            if (label < 0) throw new InvalidDataException($"{list}, line {n}: class folder '{rel[..slash]}' is not in classInd.txt.");
            if (parts.Length > 1)
            {
                if (!int.TryParse(parts[1], out var given) || given < 1 || given > ClassNames.Count)
                    throw new InvalidDataException($"{list}, line {n}: label '{parts[1]}' is not in 1..{ClassNames.Count}.");
                if (given - 1 != label)
                    throw new InvalidDataException($"{list}, line {n}: label {given} ({ClassNames[given - 1]}) disagrees with folder '{rel[..slash]}'.");
            }
            var path = Resolve(rel[..slash], rel[(slash + 1)..]);
            if (path is null)
            {
                var expected = Path.Combine(VideoRoot, rel);
                if (!_skipMissing) throw new FileNotFoundException($"UCF101 video '{expected}' listed in {list}, line {n}, does not exist.", expected);
                _logger.LogWarning("Skipping UCF101 video {Path} listed in {List}: file not found", expected, list);
                continue;
            }
            result.Add(new Ucf101Video(path, rel, label, ClassNames[label]));
        }
        return result;
    }

    private string? Resolve(string folder, string file)
    {
        var exact = Path.Combine(VideoRoot, folder, file);
        if (File.Exists(exact)) return exact;
        if (!_folderFiles.TryGetValue(folder, out var files))
        {
            files = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            var dir = Directory.Exists(Path.Combine(VideoRoot, folder))
                ? Path.Combine(VideoRoot, folder)
                : Directory.EnumerateDirectories(VideoRoot).FirstOrDefault(d => string.Equals(Path.GetFileName(d), folder, StringComparison.OrdinalIgnoreCase));
            if (dir is not null)
                foreach (var f in Directory.EnumerateFiles(dir)) files.TryAdd(Path.GetFileName(f), f);
            _folderFiles[folder] = files;
        }
        return files.TryGetValue(file, out var p) ? p : null;
    }
}
