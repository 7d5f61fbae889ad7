using FluentAssertions;
using VideoTransformers.Training.Configuration;
using VideoTransformers.Training.Runs;
using Xunit;

namespace VideoTransformers.Training.Tests.Runs;

public class MetricTrackerTests
{
    [Fact]
    public void Min_mode_counts_epochs_since_the_last_strict_improvement()
    {
        var t = new MetricTracker(MetricMode.Min);
        var improved = new[] { 1.0, 0.8, 0.8, 0.9, 0.7, 0.75 }.Select((v, i) => t.Update(v, i + 1)).ToArray();

        improved.Should().Equal(true, true, false, false, true, false);
        t.Best.Should().Be(0.7);
        t.BestEpoch.Should().Be(5);
        t.EpochsWithoutImprovement.Should().Be(1);
    }

    [Fact]
    public void Max_mode_with_min_delta_ignores_small_gains_and_NaN()
    {
        var t = new MetricTracker(MetricMode.Max, minDelta: 0.05);
        t.Update(0.5, 1).Should().BeTrue();
        t.Update(0.54, 2).Should().BeFalse();
        t.Update(double.NaN, 3).Should().BeFalse();
        t.Update(0.56, 4).Should().BeTrue();
        t.State.Should().Be(new MetricTrackerState(0.56, 4, 0));
    }

    [Fact]
    public void A_restored_tracker_continues_where_it_stopped()
    {
        var t = new MetricTracker(MetricMode.Min, 0, new MetricTrackerState(0.3, 2, 4));
        t.Update(0.31, 7).Should().BeFalse();
        t.EpochsWithoutImprovement.Should().Be(5);
        t.BestEpoch.Should().Be(2);
    }

    [Fact]
    public void Step_seeds_differ_by_seed_epoch_and_step_and_repeat_for_equal_inputs()
    {
        var seeds = new[] { (0L, 0, 0), (1L, 0, 0), (0L, 1, 0), (0L, 0, 1), (0L, 1, 1) }.Select(x => TrainingSeeds.StepSeed(x.Item1, x.Item2, x.Item3)).ToArray();

        seeds.Should().OnlyHaveUniqueItems();
        TrainingSeeds.StepSeed(5, 3, 2).Should().Be(TrainingSeeds.StepSeed(5, 3, 2));
        TrainingSeeds.EpochSeed(5, 3).Should().NotBe(TrainingSeeds.EpochSeed(5, 4));
    }
}
