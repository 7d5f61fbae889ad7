using System.Globalization;
using FluentAssertions;
using VideoTransformers.Data.Datasets;
using VideoTransformers.Data.IO;
using VideoTransformers.Data.Loading;
using VideoTransformers.Data.Transforms;
using VideoTransformers.TestSupport;
using Xunit;
using TorchSharp;
using static TorchSharp.torch;

namespace VideoTransformers.Data.Tests.Datasets;

public class MedMnist3DTests
{
    /// <summary>Per split (train, val, test): the count, then samples per class, as numpy computes them.</summary>
    private static Dictionary<string, int[]> NumpyLabelCounts(string path, int classes)
    {
        var script = "import sys, numpy as np\n" +
                     "d = np.load(sys.argv[1])\n" +
                     "for s in ('train', 'val', 'test'):\n" +
                     "    y = d[s + '_labels'].reshape(-1)\n" +
                     "    print(s, d[s + '_images'].shape[0], *np.bincount(y, minlength=int(sys.argv[2])))\n";
        return PythonNumpy.Run("-c", script, path, classes.ToString(CultureInfo.InvariantCulture))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' '))
            .ToDictionary(p => p[0], p => p.Skip(1).Select(int.Parse).ToArray());
    }

    [SkippableTheory]
    [InlineData("medmnist3d/adrenalmnist3d.npz", 28)]
    [InlineData("medmnist3d/adrenalmnist3d_64.npz", 64)]
    public void Reads_every_split_of_the_real_adrenal_files(string relative, int size)
    {
        var path = SharedData.Require(relative);
        var data = MedMnist3D.Load(path);
        data.Flag.Should().Be("adrenalmnist3d");
        data.ClassNames.Should().Equal("normal", "hyperplasia");
        (data.Depth, data.Height, data.Width).Should().Be((size, size, size));
        data.Train.Count.Should().Be(1188);
        data.Validation.Count.Should().Be(98);
        data.Test.Count.Should().Be(298);

        var reference = NumpyLabelCounts(path, 2);
        foreach (var (split, key) in new[] { (data.Train, "train"), (data.Validation, "val"), (data.Test, "test") })
        {
            split.Count.Should().Be(reference[key][0]);
            split.LabelCounts().Should().Equal(reference[key].Skip(1), $"the {key} labels match numpy's bincount");
            (split.Depth, split.Height, split.Width).Should().Be((size, size, size));
        }
    }

    [SkippableFact]
    public void Volumes_keep_the_numpy_layout_in_both_views()
    {
        var path = SharedData.Require("medmnist3d/adrenalmnist3d.npz");
        var script = "import sys, numpy as np\n" +
                     "d = np.load(sys.argv[1])\n" +
                     "v = d['val_images']\n" +
                     "print(int(v[5].astype(np.int64).sum()), v[5, 3, 4, 7], v[97, 27, 0, 13], v[0, 14, 14, 14])\n";
        var expected = PythonNumpy.Run("-c", script, path).Trim().Split(' ').Select(long.Parse).ToArray();

        var val = MedMnist3D.Load(path).Validation;
        var sample = val.GetSample(5);
        sample.Frames.Shape.Should().Equal(28, 28, 28, 1);
        sample.Frames.Data.Sum(b => (long)b).Should().Be(expected[0]);
        sample.Frames.Data[(3 * 28 + 4) * 28 + 7].Should().Be((byte)expected[1]);
        sample.Label.Should().Be(val.Labels[5]);

        using var scope = NewDisposeScope();
        var (images, labels) = val.ToTensors();
        images.shape.Should().Equal(98, 28, 1, 28, 28);
        images.dtype.Should().Be(float32);
        labels.dtype.Should().Be(int64);
        labels.data<long>().Should().Equal(val.Labels.Select(l => (long)l));
        images[5][3][0][4][7].ToSingle().Should().BeApproximately(expected[1] / 255f, 1e-7f);
        images[97][27][0][0][13].ToSingle().Should().BeApproximately(expected[2] / 255f, 1e-7f);
        images[0][14][0][14][14].ToSingle().Should().BeApproximately(expected[3] / 255f, 1e-7f);
        images.min().ToSingle().Should().BeGreaterThanOrEqualTo(0f);
        images.max().ToSingle().Should().BeLessThanOrEqualTo(1f);
    }

    [SkippableFact]
    public void The_loader_view_and_the_tensor_fast_path_agree()
    {
        var val = MedMnist3D.Load(SharedData.Require("medmnist3d/adrenalmnist3d.npz")).Validation;
        using var loader = new DataLoader(val, new DataLoaderOptions(16, Shuffle: false, RandomSampling: false));
        using var fast = val.ToBatchSource(16, shuffle: false);
        fast.BatchCount.Should().Be(loader.BatchCount).And.Be(7);
        foreach (var (a, b) in loader.GetBatches(0).Zip(fast.GetBatches(0)))
        {
            using (a)
            using (b)
            {
                a.Inputs.shape.Should().Equal(b.Inputs.shape);
                a.Inputs.Equals(b.Inputs).Should().BeTrue();
                a.Labels.Equals(b.Labels).Should().BeTrue();
            }
        }
    }

    [SkippableFact]
    public void Volume_augmentation_rearranges_real_volumes_without_changing_their_voxels()
    {
        var val = MedMnist3D.Load(SharedData.Require("medmnist3d/adrenalmnist3d.npz")).Validation;
        using var loader = new DataLoader(val, new DataLoaderOptions(8, Shuffle: false, Seed: 4), TransformPresets.VolumeAugmentation());
        using var plain = new DataLoader(val, new DataLoaderOptions(8, Shuffle: false));
        using var a = loader.GetBatches(0).First();
        using var b = plain.GetBatches(0).First();
        using var scope = NewDisposeScope();
        a.Inputs.shape.Should().Equal(8, 28, 1, 28, 28);
        // Flips and quarter turns only move voxels: each volume keeps its sorted values.
        a.Inputs.reshape(8, -1).sort(1).Values.Equals(b.Inputs.reshape(8, -1).sort(1).Values).Should().BeTrue();
        a.Inputs.Equals(b.Inputs).Should().BeFalse();
    }

    [SkippableFact]
    public void The_64_cube_fast_path_matches_numpy_voxel_by_voxel()
    {
        var path = SharedData.Require("medmnist3d/adrenalmnist3d_64.npz");
        // numpy writes the validation volumes (N, D, H, W) and labels as raw C-order bytes: an independent reader.
        var dir = Directory.CreateTempSubdirectory("vt-medmnist64").FullName;
        try
        {
            var raw = Path.Combine(dir, "val_images.u8");
            var rawLabels = Path.Combine(dir, "val_labels.u8");
            PythonNumpy.Run("-c", "import sys, numpy as np\n" +
                                  "d = np.load(sys.argv[1])\n" +
                                  "v = np.ascontiguousarray(d['val_images'])\n" +
                                  "assert v.shape == (98, 64, 64, 64) and v.dtype == np.uint8, (v.shape, v.dtype)\n" +
                                  "v.tofile(sys.argv[2]); d['val_labels'].astype(np.uint8).reshape(-1).tofile(sys.argv[3])\n",
                path, raw, rawLabels);
            var expected = File.ReadAllBytes(raw);
            var expectedLabels = File.ReadAllBytes(rawLabels);

            var val = MedMnist3D.Load(path).Validation;
            using var scope = NewDisposeScope();
            var (images, labels) = val.ToTensors();
            images.shape.Should().Equal(98, 64, 1, 64, 64);
            // [N, D, 1, H, W] float in [0, 1] back to bytes, in the layout numpy wrote: a D/H/W swap moves voxels.
            var actual = images.mul(255.0).round().to(ScalarType.Byte).reshape(98, 64, 64, 64).contiguous().data<byte>().ToArray();
            var mismatches = 0;
            var first = -1;
            for (var i = 0; i < expected.Length; i++)
                if (actual[i] != expected[i]) { mismatches++; if (first < 0) first = i; }
            mismatches.Should().Be(0, $"every voxel matches numpy (first mismatch at flat index {first})");
            labels.data<long>().ToArray().Should().Equal(expectedLabels.Select(b => (long)b));
            // The volume really is anisotropic in content, so the comparison above can tell the axes apart.
            var v = images.select(0, 0).squeeze(1);
            v.Equals(v.transpose(1, 2)).Should().BeFalse();
            v.Equals(v.transpose(0, 1)).Should().BeFalse();
        }
        finally { Directory.Delete(dir, true); }
    }

    [Theory]
    [InlineData("organmnist3d.npz", "organmnist3d", 11)]
    [InlineData("/data/OrganMNIST3D_64.npz", "organmnist3d", 11)]
    [InlineData("nodulemnist3d.npz", "nodulemnist3d", 2)]
    [InlineData("fracturemnist3d_64.npz", "fracturemnist3d", 3)]
    [InlineData("vesselmnist3d.npz", "vesselmnist3d", 2)]
    [InlineData("synapsemnist3d.npz", "synapsemnist3d", 2)]
    public void Class_names_come_from_the_file_name(string file, string flag, int classes)
    {
        MedMnistClassNames.FlagOf(file).Should().Be(flag);
        MedMnistClassNames.TryGet(flag).Should().HaveCount(classes);
        MedMnistClassNames.TryGet("organmnist3d")![10].Should().Be("pancreas");
        MedMnistClassNames.TryGet("fracturemnist3d")![1].Should().Be("nondisplaced rib fracture");
        MedMnistClassNames.For("mystery3d", 3).Should().Equal("class_0", "class_1", "class_2");
    }

    // ---------------- broken files ----------------

    private static Dictionary<string, NpyArray> Valid(int train = 4, int size = 3, int classes = 2)
    {
        var result = new Dictionary<string, NpyArray>();
        foreach (var (key, n) in new[] { ("train", train), ("val", 2), ("test", 3) })
        {
            var bytes = Enumerable.Range(0, n * size * size * size).Select(i => (byte)(i % 251)).ToArray();
            result[key + "_images"] = NpyArray.FromBytes(bytes, n, size, size, size);
            result[key + "_labels"] = NpyArray.FromBytes(Enumerable.Range(0, n).Select(i => (byte)(i % classes)).ToArray(), n, 1);
        }
        return result;
    }

    private static string Write(TempDir dir, string name, Dictionary<string, NpyArray> arrays)
    {
        var path = dir.File(name);
        NpzWriter.Write(path, arrays, compress: true);
        return path;
    }

    [Fact]
    public void A_small_valid_file_loads_with_its_labels()
    {
        using var dir = new TempDir();
        var data = MedMnist3D.Load(Write(dir, "nodulemnist3d.npz", Valid()));
        data.ClassNames.Should().Equal("benign", "malignant");
        data.Train.Labels.Should().Equal(0, 1, 0, 1);
        data.Test.GetSample(2).Frames.Shape.Should().Equal(3, 3, 3, 1);
        data.Test.GetSample(2).Frames.Data[0].Should().Be((byte)54);
    }

    [Fact]
    public void Unknown_files_get_generic_class_names_from_the_largest_label()
    {
        using var dir = new TempDir();
        var data = MedMnist3D.Load(Write(dir, "mystery3d.npz", Valid(classes: 3)));
        data.ClassNames.Should().Equal("class_0", "class_1", "class_2");
    }

    [Fact]
    public void A_truncated_file_is_reported_as_such()
    {
        using var dir = new TempDir();
        var path = Write(dir, "adrenalmnist3d.npz", Valid());
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var act = () => MedMnist3D.Load(path);
        act.Should().Throw<InvalidDataException>().WithMessage($"*{path}*truncated*");
    }

    [Fact]
    public void A_missing_key_is_named_with_the_file()
    {
        using var dir = new TempDir();
        var arrays = Valid();
        arrays.Remove("val_labels");
        var path = Write(dir, "adrenalmnist3d.npz", arrays);
        var act = () => MedMnist3D.Load(path);
        act.Should().Throw<InvalidDataException>().WithMessage($"*'{path}'*no array 'val_labels'*");
    }

    [Fact]
    public void Images_that_are_not_4d_are_rejected()
    {
        using var dir = new TempDir();
        var arrays = Valid();
        arrays["test_images"] = NpyArray.FromBytes(new byte[3 * 9], 3, 3, 3);
        var path = Write(dir, "adrenalmnist3d.npz", arrays);
        var act = () => MedMnist3D.Load(path);
        act.Should().Throw<InvalidDataException>().WithMessage($"*{path}*'test_images' has shape (3, 3, 3)*4-D*");
    }

    [Fact]
    public void A_label_count_that_differs_from_the_image_count_is_rejected()
    {
        using var dir = new TempDir();
        var arrays = Valid();
        arrays["train_labels"] = NpyArray.FromBytes([0, 1, 0], 3, 1);
        var path = Write(dir, "adrenalmnist3d.npz", arrays);
        var act = () => MedMnist3D.Load(path);
        act.Should().Throw<InvalidDataException>().WithMessage("*'train_labels' holds 3 labels but 'train_images' holds 4 images*");
    }

    [Fact]
    public void Other_malformed_contents_are_rejected()
    {
        using var dir = new TempDir();

        var floats = Valid();
        floats["val_images"] = NpyArray.FromFloats(new float[2 * 27], 2, 3, 3, 3);
        var act = () => MedMnist3D.Load(Write(dir, "a.npz", floats));
        act.Should().Throw<InvalidDataException>().WithMessage("*'val_images' has dtype <f4*uint8*");

        var wideLabels = Valid();
        wideLabels["val_labels"] = NpyArray.FromBytes([0, 1, 0, 1], 2, 2);
        act = () => MedMnist3D.Load(Write(dir, "b.npz", wideLabels));
        act.Should().Throw<InvalidDataException>().WithMessage("*'val_labels' has shape (2, 2)*(N, 1)*");

        var sizes = Valid();
        sizes["test_images"] = NpyArray.FromBytes(new byte[3 * 64], 3, 4, 4, 4);
        act = () => MedMnist3D.Load(Write(dir, "c.npz", sizes));
        act.Should().Throw<InvalidDataException>().WithMessage("*test_images holds 4x4x4 volumes but train_images holds 3x3x3*");

        act = () => MedMnist3D.Load(Write(dir, "adrenalmnist3d.npz", Valid(classes: 3)));
        act.Should().Throw<InvalidDataException>().WithMessage("*train_labels holds label 2, but adrenalmnist3d has 2 classes*");

        act = () => MedMnist3D.Load(dir.File("absent.npz"));
        act.Should().Throw<FileNotFoundException>();
    }
}
