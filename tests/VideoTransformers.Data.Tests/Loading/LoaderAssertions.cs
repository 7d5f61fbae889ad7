using FluentAssertions;
using VideoTransformers.Data.Loading;

namespace VideoTransformers.Data.Tests.Loading;

internal static class LoaderAssertions
{
    /// <summary>Copies an epoch's batches out (inputs, labels, indices) and disposes them.</summary>
    public static List<(float[] Inputs, long[] Shape, long[] Labels, int[] Indices)> Collect(IBatchSource source, int epoch)
    {
        var result = new List<(float[], long[], long[], int[])>();
        foreach (var b in source.GetBatches(epoch))
        {
            using (b) result.Add((b.Inputs.data<float>().ToArray(), b.Inputs.shape, b.Labels.data<long>().ToArray(), b.Indices.ToArray()));
        }
        return result;
    }

    public static void ShouldBeIdentical(this List<(float[] Inputs, long[] Shape, long[] Labels, int[] Indices)> a,
        List<(float[] Inputs, long[] Shape, long[] Labels, int[] Indices)> b)
    {
        a.Should().HaveCount(b.Count);
        for (int i = 0; i < a.Count; i++)
        {
            a[i].Shape.Should().Equal(b[i].Shape);
            a[i].Indices.Should().Equal(b[i].Indices);
            a[i].Labels.Should().Equal(b[i].Labels);
            // Bitwise: compare the raw float bits, so that even -0/+0 or NaN payloads would count as different.
            a[i].Inputs.Select(BitConverter.SingleToInt32Bits).Should().Equal(b[i].Inputs.Select(BitConverter.SingleToInt32Bits));
        }
    }
}
