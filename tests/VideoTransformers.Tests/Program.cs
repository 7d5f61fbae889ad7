namespace VideoTransformers.Tests;

/// <summary>
/// The test assembly's own entry point (the test host never calls it): <c>dotnet VideoTransformers.Tests.dll --child
/// no-abort</c> drives every public model and block with wrong shapes and dtypes (<see cref="NoAbortCases"/>), so that
/// <see cref="NoAbortTests"/> can watch a process that a fatal native call would abort rather than the test run itself.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args is ["--child", "no-abort"])
        {
            NoAbortCases.RunAll(Console.Out);
            return 0;
        }
        // Anything else: nothing to do (xunit's runner loads the assembly without calling Main).
        return 0;
    }
}
