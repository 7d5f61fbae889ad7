namespace VideoTransformers.Cli;

/// <summary>Commands that need the training stack (train, eval, predict, demo).</summary>
public static partial class Commands
{
    /// <summary>Runs a training-stack command, or returns null when <paramref name="command"/> is not one.</summary>
    public static int? Dispatch(string command, string[] argv) => null;
}
