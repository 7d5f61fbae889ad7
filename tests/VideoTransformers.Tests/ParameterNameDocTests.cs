using FluentAssertions;
using VideoTransformers.TestSupport;
using VideoTransformers.Zoo;
using Xunit;

namespace VideoTransformers.Tests;

/// <summary>docs/parameter-names.md is the public contract of checkpoint keys: it must list every key of every preset.</summary>
public class ParameterNameDocTests
{
    [Fact]
    public void Documented_parameter_names_match_the_models()
    {
        var doc = File.ReadAllText(Path.Combine(SharedData.RepoRoot, "docs", "parameter-names.md"));
        foreach (var preset in new[] { "frame-vit-kth", "vivit-organmnist3d", "vivit-small-fe", "timesformer-ucf101", "actionbert-ucf101", "cnn-lstm-kth" })
        {
            using var model = ModelZoo.Presets[preset]().Build();
            foreach (var key in model.state_dict().Keys)
            {
                // Numbered layers are documented once, with {i}.
                var generic = System.Text.RegularExpressions.Regex.Replace(key, @"\.(\d+)\.", ".{i}.");
                doc.Should().Contain($"`{generic}`", $"{preset} has the key {key}");
            }
        }
    }
}
