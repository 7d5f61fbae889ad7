using System.Buffers.Binary;
using System.Text;

namespace VideoTransformers.Tests;

/// <summary>
/// Writes pickle opcodes one by one, so that tests can make the exact (and the exactly wrong) pickles that a
/// <c>torch.save</c> file may hold. Opcode values are those of CPython's pickle module.
/// </summary>
public sealed class PickleBuilder
{
    private readonly MemoryStream _bytes = new();

    public PickleBuilder Op(byte opcode)
    {
        _bytes.WriteByte(opcode);
        return this;
    }

    public PickleBuilder Raw(ReadOnlySpan<byte> bytes)
    {
        _bytes.Write(bytes);
        return this;
    }

    public PickleBuilder Proto(byte version = 2) => Op(0x80).Op(version);
    public PickleBuilder Mark() => Op((byte)'(');
    public PickleBuilder Stop() => Op((byte)'.');
    public PickleBuilder None() => Op((byte)'N');
    public PickleBuilder Bool(bool v) => Op(v ? (byte)0x88 : (byte)0x89);
    public PickleBuilder EmptyTuple() => Op((byte)')');
    public PickleBuilder EmptyDict() => Op((byte)'}');
    public PickleBuilder EmptyList() => Op((byte)']');
    public PickleBuilder Tuple() => Op((byte)'t');
    public PickleBuilder Tuple2() => Op(0x86);
    public PickleBuilder SetItem() => Op((byte)'s');
    public PickleBuilder SetItems() => Op((byte)'u');
    public PickleBuilder Reduce() => Op((byte)'R');
    public PickleBuilder Build() => Op((byte)'b');
    public PickleBuilder BinPersId() => Op((byte)'Q');
    public PickleBuilder StackGlobal() => Op(0x93);
    public PickleBuilder BinPut(byte index) => Op((byte)'q').Op(index);
    public PickleBuilder BinGet(byte index) => Op((byte)'h').Op(index);

    /// <summary>GLOBAL: <c>c module\nname\n</c>.</summary>
    public PickleBuilder Global(string module, string name) => Op((byte)'c').Raw(Encoding.UTF8.GetBytes(module + "\n" + name + "\n"));

    /// <summary>BINUNICODE: a 4-byte length, then UTF-8.</summary>
    public PickleBuilder Unicode(string s)
    {
        var utf8 = Encoding.UTF8.GetBytes(s);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)utf8.Length);
        return Op((byte)'X').Raw(length).Raw(utf8);
    }

    /// <summary>SHORT_BINUNICODE (protocol 4).</summary>
    public PickleBuilder ShortUnicode(string s)
    {
        var utf8 = Encoding.UTF8.GetBytes(s);
        return Op(0x8c).Op((byte)utf8.Length).Raw(utf8);
    }

    /// <summary>The shortest of BININT1, BININT2, BININT and LONG1 that holds <paramref name="v"/>, as pickle chooses.</summary>
    public PickleBuilder Int(long v)
    {
        if (v is >= 0 and < 256) return Op((byte)'K').Op((byte)v);
        if (v is >= 0 and < 65536)
        {
            Span<byte> b2 = stackalloc byte[2];
            BinaryPrimitives.WriteUInt16LittleEndian(b2, (ushort)v);
            return Op((byte)'M').Raw(b2);
        }
        if (v is >= int.MinValue and <= int.MaxValue)
        {
            Span<byte> b4 = stackalloc byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(b4, (int)v);
            return Op((byte)'J').Raw(b4);
        }
        Span<byte> b8 = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(b8, v);
        return Op(0x8a).Op(8).Raw(b8);
    }

    /// <summary>A tuple of integers (MARK ... TUPLE).</summary>
    public PickleBuilder Ints(IEnumerable<long> values)
    {
        Mark();
        foreach (var v in values) Int(v);
        return Tuple();
    }

    public byte[] ToArray() => _bytes.ToArray();
}
