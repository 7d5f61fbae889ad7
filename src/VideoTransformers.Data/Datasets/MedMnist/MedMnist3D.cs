using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VideoTransformers.Data.IO;

namespace VideoTransformers.Data.Datasets;

/// <summary>
/// A MedMNIST v2 3-D dataset file (<c>organmnist3d.npz</c>, <c>adrenalmnist3d_64.npz</c>, … at 28³ or 64³): the arrays
/// <c>{train,val,test}_images</c> (uint8 <c>[N, D, H, W]</c>) and <c>{train,val,test}_labels</c> (integers <c>[N, 1]</c> or
/// <c>[N]</c>), read with <see cref="NpzArchive"/> and checked. Class names come from the file name
/// (<see cref="MedMnistClassNames"/>), with <c>class_i</c> names for unknown files.
/// </summary>
public sealed class MedMnist3D
{
    private static readonly (DatasetSplit Part, string Prefix)[] Parts =
        [(DatasetSplit.Train, "train"), (DatasetSplit.Validation, "val"), (DatasetSplit.Test, "test")];

    private readonly Dictionary<DatasetSplit, MedMnist3DSplit> _splits;

    private MedMnist3D(string path, string flag, IReadOnlyList<string> classNames, Dictionary<DatasetSplit, MedMnist3DSplit> splits)
    {
        FilePath = path;
        Flag = flag;
        ClassNames = classNames;
        _splits = splits;
        var train = splits[DatasetSplit.Train];
        Depth = train.Depth;
        Height = train.Height;
        Width = train.Width;
    }

    /// <summary>The npz file.</summary>
    public string FilePath { get; }

    /// <summary>The dataset flag from the file name, e.g. <c>adrenalmnist3d</c>.</summary>
    public string Flag { get; }

    /// <summary>Class names; a label indexes this list.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Slices per volume (28 or 64 for the official files).</summary>
    public int Depth { get; }

    /// <summary>Rows per slice.</summary>
    public int Height { get; }

    /// <summary>Columns per slice.</summary>
    public int Width { get; }

    /// <summary>The training split.</summary>
    public MedMnist3DSplit Train => _splits[DatasetSplit.Train];

    /// <summary>The validation split (<c>val_*</c>).</summary>
    public MedMnist3DSplit Validation => _splits[DatasetSplit.Validation];

    /// <summary>The test split.</summary>
    public MedMnist3DSplit Test => _splits[DatasetSplit.Test];

    /// <summary>One split.</summary>
    public MedMnist3DSplit Split(DatasetSplit part) =>
        _splits.TryGetValue(part, out var s) ? s : throw new ArgumentOutOfRangeException(nameof(part), part, "Unknown split.");

    /// <summary>Reads and checks all three splits of <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">
    /// The file is not a readable npz (e.g. truncated), an array is missing (the message names the key and the file), images are
    /// not uint8 <c>[N, D, H, W]</c>, the splits' volume sizes differ, labels are not integers <c>[N, 1]</c> matching the image
    /// count, or a label is outside the known classes.
    /// </exception>
    public static MedMnist3D Load(string path, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        logger ??= NullLogger.Instance;
        var full = Path.GetFullPath(path);
        if (!File.Exists(full)) throw new FileNotFoundException($"MedMNIST file '{full}' does not exist.", full);
        var flag = MedMnistClassNames.FlagOf(full);
        var known = MedMnistClassNames.TryGet(flag);

        var raw = new List<(DatasetSplit Part, byte[] Images, int[] Labels, int D, int H, int W)>();
        using (var npz = NpzArchive.Open(full, logger))
        {
            foreach (var (part, prefix) in Parts)
            foreach (var key in new[] { prefix + "_images", prefix + "_labels" })
                if (!npz.ContainsKey(key))
                    throw new InvalidDataException($"MedMNIST file '{full}' has no array '{key}' (it holds: {string.Join(", ", npz.Keys)}).");
            foreach (var (part, prefix) in Parts)
            {
                var (images, d, h, w) = ReadImages(npz, prefix + "_images", full);
                var labels = ReadLabels(npz, prefix + "_labels", full, images.Length / (d * h * w), prefix + "_images");
                raw.Add((part, images, labels, d, h, w));
            }
        }

        var first = raw[0];
        foreach (var r in raw.Skip(1))
            if ((r.D, r.H, r.W) != (first.D, first.H, first.W))
                throw new InvalidDataException($"MedMNIST file '{full}': {KeyOf(r.Part)}_images holds {r.D}x{r.H}x{r.W} volumes but train_images holds {first.D}x{first.H}x{first.W}.");

        int maxLabel = raw.SelectMany(r => r.Labels).DefaultIfEmpty(0).Max();
        if (known is not null && maxLabel >= known.Count)
        {
            var bad = raw.First(r => r.Labels.Any(l => l >= known.Count));
            throw new InvalidDataException($"MedMNIST file '{full}': {KeyOf(bad.Part)}_labels holds label {bad.Labels.Max()}, but {flag} has {known.Count} classes.");
        }
        var classNames = known ?? MedMnistClassNames.For(flag, maxLabel + 1);
        if (known is null)
            logger.LogInformation("MedMNIST flag {Flag} is not known; using {Count} generic class names", flag, classNames.Count);

        var splits = raw.ToDictionary(r => r.Part, r => new MedMnist3DSplit(r.Part, classNames, r.Images, r.Labels, r.D, r.H, r.W));
        logger.LogInformation("Loaded {Flag} from {Path}: {D}x{H}x{W}, train/val/test {Train}/{Val}/{Test}, {Classes} classes",
            flag, full, first.D, first.H, first.W, splits[DatasetSplit.Train].Count, splits[DatasetSplit.Validation].Count,
            splits[DatasetSplit.Test].Count, classNames.Count);
        return new MedMnist3D(full, flag, classNames, splits);
    }

    private static string KeyOf(DatasetSplit part) => Parts.First(p => p.Part == part).Prefix;

    private static (byte[] Data, int D, int H, int W) ReadImages(NpzArchive npz, string key, string file)
    {
        var a = npz.Read(key);
        if (a.Shape.Length != 4)
            throw new InvalidDataException($"MedMNIST file '{file}': '{key}' has shape ({string.Join(", ", a.Shape)}) but 3-D images must be 4-D (N, D, H, W).");
        if (a.DType != "|u1")
            throw new InvalidDataException($"MedMNIST file '{file}': '{key}' has dtype {a.DType} but images must be uint8 (|u1).");
        if (a.Shape.Skip(1).Any(s => s == 0))
            throw new InvalidDataException($"MedMNIST file '{file}': '{key}' has empty volumes ({string.Join(", ", a.Shape)}).");
        // A |u1 array's bytes are the values; taking the backing array avoids a second copy of up to 300 MB.
        var data = System.Runtime.InteropServices.MemoryMarshal.TryGetArray(a.Data, out var seg) && seg.Offset == 0 && seg.Count == seg.Array!.Length
            ? seg.Array
            : a.Data.ToArray();
        return (data, checked((int)a.Shape[1]), checked((int)a.Shape[2]), checked((int)a.Shape[3]));
    }

    private static int[] ReadLabels(NpzArchive npz, string key, string file, int imageCount, string imageKey)
    {
        var a = npz.Read(key);
        bool shapeOk = a.Shape.Length == 1 || (a.Shape.Length == 2 && a.Shape[1] == 1);
        if (!shapeOk)
            throw new InvalidDataException($"MedMNIST file '{file}': '{key}' has shape ({string.Join(", ", a.Shape)}) but labels must be (N, 1) or (N,).");
        if (a.Shape[0] != imageCount)
            throw new InvalidDataException($"MedMNIST file '{file}': '{key}' holds {a.Shape[0]} labels but '{imageKey}' holds {imageCount} images.");
        long[] values;
        try
        {
            values = a.ToInt64Array();
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidDataException($"MedMNIST file '{file}': '{key}' has dtype {a.DType} but labels must be integers.", e);
        }
        var labels = new int[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            if (values[i] is < 0 or > int.MaxValue)
                throw new InvalidDataException($"MedMNIST file '{file}': '{key}'[{i}] is {values[i]}, not a class index.");
            labels[i] = (int)values[i];
        }
        return labels;
    }
}
