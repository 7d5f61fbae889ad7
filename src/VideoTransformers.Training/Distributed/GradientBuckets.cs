using TorchSharp;
using static TorchSharp.torch;

namespace VideoTransformers.Training.Distributed;

/// <summary>
/// Groups tensors into buckets of at most a byte cap (a tensor larger than the cap gets a bucket of its own), keeping
/// their order and never mixing dtypes or devices, so that each bucket can be flattened with one <c>torch.cat</c>.
/// The plan depends only on the tensors' shapes, dtypes and devices, so every rank of a group computes the same one.
/// </summary>
internal static class GradientBuckets
{
    internal static List<List<T>> Plan<T>(IEnumerable<T> tensors, long capBytes) where T : Tensor
    {
        var done = new List<List<T>>();
        // Devices by type and index: TorchSharp hands out a new Device object on every read of t.device.
        var open = new Dictionary<(ScalarType, DeviceType, int), (List<T> Items, long Bytes)>();
        foreach (var t in tensors)
        {
            var key = (t.dtype, t.device_type, t.device_index);
            var bytes = t.numel() * t.element_size();
            if (open.TryGetValue(key, out var bucket) && bucket.Items.Count > 0 && bucket.Bytes + bytes > capBytes)
            {
                done.Add(bucket.Items);
                bucket = ([], 0);
            }
            else if (bucket.Items is null)
            {
                bucket = ([], 0);
            }
            bucket.Items.Add(t);
            open[key] = (bucket.Items, bucket.Bytes + bytes);
        }
        // Dictionary order is insertion order as long as nothing is removed, so this too is the same on every rank.
        done.AddRange(open.Values.Where(b => b.Items.Count > 0).Select(b => b.Items));
        return done;
    }
}
