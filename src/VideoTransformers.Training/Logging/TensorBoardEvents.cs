using Google.Protobuf;

namespace VideoTransformers.Training.Logging;

/// <summary>
/// Encodes the few <c>tensorflow.Event</c> messages the writer needs by hand, so no .proto compilation is required.
/// Field numbers follow tensorflow/core/util/event.proto and tensorflow/core/framework/summary.proto.
/// </summary>
internal static class TensorBoardEvents
{
    // Event: double wall_time = 1; int64 step = 2; string file_version = 3; Summary summary = 5.
    private const int EventWallTime = 1, EventStep = 2, EventFileVersion = 3, EventSummary = 5;
    // Summary: repeated Value value = 1. Value: string tag = 1; float simple_value = 2.
    private const int SummaryValue = 1, ValueTag = 1, ValueSimpleValue = 2;

    /// <summary>The version string TensorBoard expects in the first event of every file.</summary>
    public const string FileVersion = "brain.Event:2";

    public static byte[] FileVersionEvent(double wallTime) => Encode(o =>
    {
        o.WriteTag(EventWallTime, WireFormat.WireType.Fixed64);
        o.WriteDouble(wallTime);
        o.WriteTag(EventFileVersion, WireFormat.WireType.LengthDelimited);
        o.WriteString(FileVersion);
    });

    public static byte[] ScalarEvent(double wallTime, long step, string tag, float value)
    {
        var valueMessage = Encode(o =>
        {
            o.WriteTag(ValueTag, WireFormat.WireType.LengthDelimited);
            o.WriteString(tag);
            o.WriteTag(ValueSimpleValue, WireFormat.WireType.Fixed32);
            o.WriteFloat(value);
        });
        var summary = Encode(o =>
        {
            o.WriteTag(SummaryValue, WireFormat.WireType.LengthDelimited);
            o.WriteBytes(ByteString.CopyFrom(valueMessage));
        });
        return Encode(o =>
        {
            o.WriteTag(EventWallTime, WireFormat.WireType.Fixed64);
            o.WriteDouble(wallTime);
            o.WriteTag(EventStep, WireFormat.WireType.Varint);
            o.WriteInt64(step);
            o.WriteTag(EventSummary, WireFormat.WireType.LengthDelimited);
            o.WriteBytes(ByteString.CopyFrom(summary));
        });
    }

    private static byte[] Encode(Action<CodedOutputStream> write)
    {
        using var ms = new MemoryStream();
        using (var output = new CodedOutputStream(ms, leaveOpen: true))
        {
            write(output);
            output.Flush();
        }
        return ms.ToArray();
    }
}
