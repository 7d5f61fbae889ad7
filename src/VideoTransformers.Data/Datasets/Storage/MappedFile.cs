using System.IO.MemoryMappedFiles;

namespace VideoTransformers.Data.Datasets;

/// <summary>A read-only memory mapping of a whole file, exposing its bytes by pointer until disposed.</summary>
internal sealed unsafe class MappedFile : IDisposable
{
    private readonly MemoryMappedFile? _mmf;
    private readonly MemoryMappedViewAccessor? _view;
    private byte* _ptr;

    public MappedFile(string path)
    {
        Length = new FileInfo(path).Length;
        // A zero-length file cannot be mapped; it simply has no bytes to expose.
        if (Length == 0) return;
        _mmf = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        _view = _mmf.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        byte* p = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
        _ptr = p + _view.PointerOffset;
    }

    public long Length { get; }

    public ReadOnlySpan<T> Span<T>(long byteOffset, int count) where T : unmanaged
    {
        if (count == 0) return [];
        ObjectDisposedException.ThrowIf(_ptr == null, this);
        if (byteOffset < 0 || byteOffset + (long)count * sizeof(T) > Length)
            throw new ArgumentOutOfRangeException(nameof(byteOffset), $"Range {byteOffset}+{(long)count * sizeof(T)} is outside the {Length}-byte file.");
        return new ReadOnlySpan<T>(_ptr + byteOffset, count);
    }

    public void Dispose()
    {
        if (_ptr != null)
        {
            _view!.SafeMemoryMappedViewHandle.ReleasePointer();
            _ptr = null;
        }
        _view?.Dispose();
        _mmf?.Dispose();
    }
}
