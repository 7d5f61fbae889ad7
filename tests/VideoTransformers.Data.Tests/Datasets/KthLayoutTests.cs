using FluentAssertions;
using VideoTransformers.Data.Datasets;
using VideoTransformers.Data.Video;
using Xunit;

namespace VideoTransformers.Data.Tests.Datasets;

public class KthLayoutTests
{
    [SkippableFact]
    public void Discovers_the_real_flat_folder_with_labels_in_class_order()
    {
        var layout = KthLayout.Discover(TestFiles.KthDir);
        KthLayout.ClassNames.Should().Equal("boxing", "handclapping", "handwaving", "jogging", "running", "walking");
        layout.Clips.Should().HaveCount(TestFiles.KthClips().Length);
        layout.Clips.Select(c => c.Name).Should().Equal(
            "person01_boxing_d2", "person01_handclapping_d1", "person01_handclapping_d2", "person01_jogging_d1",
            "person03_boxing_d4", "person04_boxing_d1");
        layout.Clips.Should().OnlyContain(c => c.Label == KthLayout.IndexOf(c.Action) && File.Exists(c.FilePath));
        layout.Clips.Single(c => c.Name == "person01_jogging_d1").Label.Should().Be(3);
    }

    [SkippableFact]
    public void Discovers_one_folder_per_action_and_prefers_avi_over_mp4()
    {
        using var tmp = new TempDir();
        foreach (var clip in TestFiles.KthClips())
        {
            KthClipName.TryParse(clip, out var name).Should().BeTrue();
            var dir = Directory.CreateDirectory(Path.Combine(tmp.Path, name!.Action)).FullName;
            File.CreateSymbolicLink(Path.Combine(dir, Path.GetFileName(clip)), clip);
        }
        // A re-encode beside the original must not create a second clip.
        var avi = TestFiles.KthClips().First(c => c.EndsWith("person01_jogging_d1_uncomp.avi"));
        File.CreateSymbolicLink(Path.Combine(tmp.Path, "jogging", "person01_jogging_d1_uncomp.mp4"), avi);
        File.WriteAllText(Path.Combine(tmp.Path, "jogging", "notes.txt"), "not a clip");

        var layout = KthLayout.Discover(tmp.Path);
        layout.Clips.Should().HaveCount(TestFiles.KthClips().Length);
        layout.Clips.Single(c => c.Name == "person01_jogging_d1").FilePath.Should().EndWith(".avi");
    }

    [Fact]
    public void A_missing_folder_is_named_in_DirectoryNotFoundException()
    {
        var path = Path.Combine(Path.GetTempPath(), "vt-no-kth-" + Guid.NewGuid().ToString("N"));
        ((Action)(() => KthLayout.Discover(path))).Should().Throw<DirectoryNotFoundException>().Which.Message.Should().Contain(path);
    }

    [Fact]
    public void A_folder_without_clips_is_an_error()
    {
        using var tmp = new TempDir();
        ((Action)(() => KthLayout.Discover(tmp.Path))).Should().Throw<InvalidDataException>().Which.Message.Should().Contain(tmp.Path);
    }

    [Fact]
    public void Splits_partition_persons_as_published()
    {
        KthSplit.Seed.Train.Should().Equal(Enumerable.Range(1, 16));
        KthSplit.Seed.Validation.Should().BeEmpty();
        KthSplit.Seed.Test.Should().Equal(Enumerable.Range(17, 9));
        KthSplit.Schuldt.Train.Should().Equal(11, 12, 13, 14, 15, 16, 17, 18);
        KthSplit.Schuldt.Validation.Should().Equal(1, 4, 19, 20, 21, 23, 24, 25);
        KthSplit.Schuldt.Test.Should().Equal(2, 3, 5, 6, 7, 8, 9, 10, 22);
        foreach (var s in new[] { KthSplit.Seed, KthSplit.Schuldt })
            s.Train.Concat(s.Validation).Concat(s.Test).Order().Should().Equal(Enumerable.Range(1, 25));
        var custom = KthSplit.Custom([1, 2], [3], [4]);
        custom.Persons(DatasetSplit.Validation).Should().Equal(3);
        ((Action)(() => KthSplit.Custom([1, 2], null, [2]))).Should().Throw<ArgumentException>().Which.Message.Should().Contain("2");
    }

    [SkippableFact]
    public void Selects_clips_by_person()
    {
        var layout = KthLayout.Discover(TestFiles.KthDir);
        layout.Select(KthSplit.Seed, DatasetSplit.Train).Should().HaveCount(6);
        layout.Select(KthSplit.Seed, DatasetSplit.Test).Should().BeEmpty();
        layout.Select(KthSplit.Schuldt, DatasetSplit.Validation).Select(c => c.Person).Distinct().Order().Should().Equal(1, 4);
        layout.Select(KthSplit.Schuldt, DatasetSplit.Test).Select(c => c.Name).Should().Equal("person03_boxing_d4");
        layout.Select(KthSplit.Custom([3, 4], null, [1]), DatasetSplit.Test).Should().HaveCount(4);
    }
}
