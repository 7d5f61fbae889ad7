using FluentAssertions;
using VideoTransformers.Data.Datasets;
using Xunit;

namespace VideoTransformers.Data.Tests.Datasets;

public sealed class FeatureStoreTests : IDisposable
{
    private readonly TempDir _tmp = new();

    public void Dispose() => _tmp.Dispose();

    private static float[] Features(int rows, int dim, int seed) =>
        Enumerable.Range(0, rows * dim).Select(i => (float)(seed * 1000 + i) / 7f).ToArray();

    private string WriteStore(out float[][] features)
    {
        var path = _tmp.File("features.f32");
        features = [Features(5, 4, 1), Features(2, 4, 2), []];
        using var w = FeatureStoreWriter.Create(path, 3, 5, 4);
        w.Write(2, "v_c", 0, features[2]);
        w.Write(0, "v_a", 3, features[0]);
        w.Write(1, "v_b", 1, features[1]);
        w.Complete();
        return path;
    }

    [Fact]
    public void Round_trips_features_padding_and_index()
    {
        var path = WriteStore(out var features);
        var json = File.ReadAllText(Path.ChangeExtension(path, ".json"));
        json.Should().Contain("\"video_idx\"").And.Contain("\"video_name\"").And.Contain("\"video_length\"").And.Contain("\"label_idx\"");
        new FileInfo(path).Length.Should().Be(3 * 5 * 4 * 4);

        using var store = FeatureStore.Open(path);
        (store.Count, store.MaxLength, store.Dimension).Should().Be((3, 5, 4));
        store.Entries.Select(e => (e.VideoIndex, e.VideoName, e.VideoLength, e.LabelIndex))
            .Should().Equal((0, "v_a", 5, 3), (1, "v_b", 2, 1), (2, "v_c", 0, 0));
        for (int v = 0; v < 3; v++) store.GetFeatures(v).ToArray().Should().Equal(features[v]);
        var padded = store.GetPadded(1).ToArray();
        padded.Should().HaveCount(20);
        padded.Take(8).Should().Equal(features[1]);
        padded.Skip(8).Should().OnlyContain(x => x == 0f);
    }

    [Fact]
    public void A_data_file_of_the_wrong_size_is_rejected_with_both_paths()
    {
        var path = WriteStore(out _);
        using (var fs = new FileStream(path, FileMode.Open)) fs.SetLength(fs.Length - 4);
        var ex = ((Action)(() => FeatureStore.Open(path))).Should().Throw<InvalidDataException>().Which;
        ex.Message.Should().Contain(path).And.Contain(Path.ChangeExtension(path, ".json")).And.Contain("236").And.Contain("240");
    }

    [Fact]
    public void A_bare_array_index_infers_the_shape_from_the_file()
    {
        var path = _tmp.File("bare.bin");
        var data = Features(3, 6, 5).Concat(Features(3, 6, 6)).ToArray();
        File.WriteAllBytes(path, System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan()).ToArray());
        File.WriteAllText(_tmp.File("bare.json"),
            """[{"video_idx":1,"video_name":"b","video_length":2,"label_idx":4},{"video_idx":0,"video_name":"a","video_length":3,"label_idx":2}]""");
        using var store = FeatureStore.Open(path);
        (store.Count, store.MaxLength, store.Dimension).Should().Be((2, 3, 6));
        store.GetFeatures(1).ToArray().Should().Equal(data.Skip(18).Take(12));
        store.Entries[1].LabelIndex.Should().Be(4);

        File.WriteAllBytes(path, new byte[7 * 4]);
        ((Action)(() => FeatureStore.Open(path))).Should().Throw<InvalidDataException>().Which.Message.Should().Contain(path.Replace(".bin", ".json"));
    }

    [Fact]
    public void Writer_rejects_bad_input_and_incomplete_stores()
    {
        var path = _tmp.File("w.f32");
        using var w = FeatureStoreWriter.Create(path, 2, 3, 2);
        ((Action)(() => w.Write(0, "x", 0, new float[8]))).Should().Throw<ArgumentException>().Which.Message.Should().Contain("max_len");
        ((Action)(() => w.Write(0, "x", 0, new float[3]))).Should().Throw<ArgumentException>();
        ((Action)(() => w.Write(2, "x", 0, new float[2]))).Should().Throw<ArgumentOutOfRangeException>();
        w.Write(0, "x", 0, new float[2]);
        ((Action)(() => w.Write(0, "x", 0, new float[2]))).Should().Throw<InvalidOperationException>();
        ((Action)(() => w.Complete())).Should().Throw<InvalidOperationException>().Which.Message.Should().Contain("1 of 2");
    }

    [Fact]
    public void Missing_files_are_named()
    {
        var path = _tmp.File("none.f32");
        ((Action)(() => FeatureStore.Open(path))).Should().Throw<FileNotFoundException>().Which.Message.Should().Contain(path);
        File.WriteAllBytes(path, new byte[16]);
        ((Action)(() => FeatureStore.Open(path))).Should().Throw<FileNotFoundException>().Which.Message.Should().Contain("none.json");
    }
}
