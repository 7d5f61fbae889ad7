using System.IO.Compression;
using FluentAssertions;
using VideoTransformers.Data.IO;
using VideoTransformers.TestSupport;
using Xunit;

namespace VideoTransformers.Data.Tests.IO;

public class NpzArchiveTests : IDisposable
{
    private readonly string _dir = NpyTestFiles.TempDir();

    public void Dispose() => Directory.Delete(_dir, true);

    private static Dictionary<string, NpyArray> Sample() => new()
    {
        ["images"] = NpyArray.FromBytes([1, 2, 3, 4, 5, 6, 7, 8], 2, 2, 2),
        ["labels"] = NpyArray.FromInt64([0, 1], 2),
        ["features"] = NpyArray.FromFloats([0.25f, -3f], 1, 2),
    };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Round_trips_stored_and_deflated_members(bool compress)
    {
        var path = Path.Combine(_dir, "sample.npz");
        NpzWriter.Write(path, Sample(), compress);

        using (var zip = ZipFile.OpenRead(path))
        {
            zip.Entries.Select(e => e.FullName).Should().BeEquivalentTo("images.npy", "labels.npy", "features.npy");
            // A stored member keeps its size; a deflated member of repetitive header text shrinks.
            var images = zip.GetEntry("images.npy")!;
            (images.CompressedLength < images.Length).Should().Be(compress);
        }

        using var npz = NpzArchive.Open(path);
        npz.Keys.Should().Equal("features", "images", "labels");
        npz.ContainsKey("labels").Should().BeTrue();
        npz.ContainsKey("labels.npy").Should().BeFalse();
        var images2 = npz.Read("images");
        images2.Shape.Should().Equal(2, 2, 2);
        images2.ToByteArray().Should().Equal(1, 2, 3, 4, 5, 6, 7, 8);
        npz.Read("labels").ToInt64Array().Should().Equal(0, 1);
        npz.Read("features").ToFloatArray().Should().Equal(0.25f, -3f);
    }

    [Fact]
    public void Missing_key_lists_the_available_keys()
    {
        var path = Path.Combine(_dir, "sample.npz");
        NpzWriter.Write(path, Sample());
        using var npz = NpzArchive.Open(path);
        var act = () => npz.Read("train_images");
        act.Should().Throw<InvalidDataException>()
            .WithMessage($"*{path}*no array 'train_images'*Available keys: features, images, labels*");
    }

    [Fact]
    public void Truncated_archive_reports_the_missing_central_directory()
    {
        var path = Path.Combine(_dir, "cut.npz");
        using (var ms = new MemoryStream())
        {
            NpzWriter.Write(ms, Sample());
            File.WriteAllBytes(path, ms.ToArray()[..(int)(ms.Length * 2 / 3)]);
        }
        var act = () => NpzArchive.Open(path);
        act.Should().Throw<InvalidDataException>().WithMessage($"*{path}*central directory*truncated*");
    }

    [Fact]
    public void Random_bytes_are_not_an_archive()
    {
        var path = Path.Combine(_dir, "random.npz");
        var bytes = new byte[10_000];
        new Random(7).NextBytes(bytes);
        File.WriteAllBytes(path, bytes);
        var act = () => NpzArchive.Open(path);
        act.Should().Throw<InvalidDataException>().WithMessage($"*{path}*");
    }

    [Fact]
    public void A_member_that_is_not_npy_is_reported_with_archive_and_member()
    {
        var path = Path.Combine(_dir, "mixed.npz");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            using var w = new StreamWriter(zip.CreateEntry("notes.npy").Open());
            w.Write("this is not numpy data");
        }
        using var npz = NpzArchive.Open(path);
        var act = () => npz.Read("notes");
        act.Should().Throw<InvalidDataException>().WithMessage($"*{path}:notes.npy*magic*");
    }

    [Fact]
    public void Truncated_member_data_is_reported()
    {
        var path = Path.Combine(_dir, "short.npz");
        var full = NpyTestFiles.NpyBytes(NpyArray.FromFloats(new float[100], 10, 10));
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            using var s = zip.CreateEntry("x.npy", CompressionLevel.Optimal).Open();
            s.Write(full, 0, full.Length - 40);
        }
        using var npz = NpzArchive.Open(path);
        var act = () => npz.Read("x");
        act.Should().Throw<InvalidDataException>().WithMessage($"*{path}:x.npy*truncated data*400 bytes*only 360*");
    }

    [SkippableTheory]
    [InlineData("medmnist3d/adrenalmnist3d.npz", 28, 105033735L, 8922960L, 26407545L)]
    [InlineData("medmnist3d/adrenalmnist3d_64.npz", 64, 1340130060L, 113376825L, 336324855L)]
    public void Reads_the_real_adrenalmnist3d_files(string relative, int size, long trainSum, long valSum, long testSum)
    {
        var path = SharedData.Require(relative);
        using var npz = NpzArchive.Open(path);
        npz.Keys.Should().BeEquivalentTo("train_images", "train_labels", "val_images", "val_labels", "test_images", "test_labels");

        // Class counts (normal, hyperplasia) and voxel sums as numpy 1.24 reports them for these files.
        var splits = new[]
        {
            ("train", 1188L, new long[] { 929, 259 }, trainSum),
            ("val", 98L, new long[] { 76, 22 }, valSum),
            ("test", 298L, new long[] { 229, 69 }, testSum),
        };
        foreach (var (split, n, classCounts, voxelSum) in splits)
        {
            var images = npz.Read(split + "_images");
            images.DType.Should().Be("|u1");
            images.Shape.Should().Equal(n, size, size, size);
            long sum = 0;
            foreach (var b in images.Data.Span) sum += b;
            sum.Should().Be(voxelSum, split);

            var labels = npz.Read(split + "_labels");
            labels.DType.Should().Be("|u1");
            labels.Shape.Should().Equal(n, 1);
            var counts = labels.ToInt64Array().GroupBy(l => l).OrderBy(g => g.Key).Select(g => (long)g.Count()).ToArray();
            counts.Should().Equal(classCounts, split);
        }
    }

    [SkippableFact]
    public void Real_file_agrees_with_numpy_element_for_element()
    {
        var path = SharedData.Require("medmnist3d/adrenalmnist3d.npz");
        var output = PythonNumpy.Run("-c", $$"""
            import numpy as np, hashlib
            z = np.load(r'{{path}}')
            for k in sorted(z.files):
                a = z[k]
                print(k, a.dtype.str, ','.join(map(str, a.shape)), hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest())
            """);
        using var npz = NpzArchive.Open(path);
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(' ');
            var array = npz.Read(parts[0]);
            array.DType.Should().Be(parts[1]);
            string.Join(',', array.Shape).Should().Be(parts[2]);
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(array.Data.Span)).Should().Be(parts[3], parts[0]);
        }
    }
}
