using FluentAssertions;
using VideoTransformers.Training.Configuration;
using VideoTransformers.Training.Optimization;
using VideoTransformers.Training.Tests.Support;
using Xunit;

namespace VideoTransformers.Training.Tests.Optimization;

public class LearningRateScheduleTests
{
    [Fact]
    public void Step_schedule_moves_per_epoch_whatever_the_step()
    {
        using var model = TinyTask.Model();
        var config = new TrainingConfig { LearningRate = 0.9, Schedule = ScheduleKind.Step, StepSize = 2, Gamma = 1.0 / 3 };
        using var optimizer = OptimizerFactory.Create(config, model);
        var schedule = LearningRateSchedule.Create(config, optimizer, stepsPerEpoch: 5);

        var rates = new[] { (0, 0L), (1, 9L), (2, 10L), (3, 17L), (4, 20L) }.Select(p =>
        {
            schedule.Apply(p.Item1, p.Item2);
            return schedule.CurrentLearningRate;
        }).ToArray();

        schedule.PerStep.Should().BeFalse();
        rates.Should().Equal([0.9, 0.9, 0.3, 0.3, 0.1], (a, b) => Math.Abs(a - b) < 1e-12);
        optimizer.Groups().Should().OnlyContain(g => Math.Abs(g.LearningRate - 0.1) < 1e-12, "every group follows the schedule");
    }

    [Fact]
    public void Cosine_schedule_warms_up_in_steps_from_epochs_then_decays_to_min_lr()
    {
        using var model = TinyTask.Model();
        var config = new TrainingConfig { Epochs = 4, LearningRate = 1.0, Schedule = ScheduleKind.Cosine, WarmupEpochs = 1, MinLr = 0.1 };
        using var optimizer = OptimizerFactory.Create(config, model);
        var schedule = LearningRateSchedule.Create(config, optimizer, stepsPerEpoch: 10);

        double At(long step)
        {
            schedule.Apply((int)(step / 10), step);
            return schedule.CurrentLearningRate;
        }

        schedule.PerStep.Should().BeTrue();
        At(0).Should().Be(0);
        At(5).Should().BeApproximately(0.5, 1e-12);
        At(10).Should().BeApproximately(1.0, 1e-12);
        At(25).Should().BeApproximately(0.1 + 0.9 * 0.5, 1e-12);
        At(40).Should().BeApproximately(0.1, 1e-12);
    }

    [Fact]
    public void No_schedule_keeps_the_initial_rate()
    {
        using var model = TinyTask.Model();
        var config = new TrainingConfig { LearningRate = 0.02 };
        using var optimizer = OptimizerFactory.Create(config, model);
        var schedule = LearningRateSchedule.Create(config, optimizer, 3);
        optimizer.Groups()[0].LearningRate = 5;

        schedule.Apply(7, 21);

        schedule.CurrentLearningRate.Should().Be(0.02);
    }
}
