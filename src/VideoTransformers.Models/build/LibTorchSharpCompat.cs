#nullable enable
// Compiled twice: by MSBuild's RoslynCodeTaskFactory from VideoTransformers.Models.targets (in this repository and in
// every project that references the VideoTransformers.Models package), and by VideoTransformers.Build.Tests.
// It therefore uses nothing beyond netstandard2.0 and Microsoft.Build.Utilities.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace VideoTransformers.Build
{
    /// <summary>
    /// Lets TorchSharp's <c>libLibTorchSharp.so</c> load where the system libstdc++ predates GCC 13 (Debian 12,
    /// Ubuntu 22.04). The stock library asks for the version <c>GLIBCXX_3.4.32</c> for exactly one symbol,
    /// <c>std::ios_base_library_init()</c>, which GCC 13 references from every <c>&lt;iostream&gt;</c> user but which
    /// nothing calls through a relocation. The dynamic loader refuses the whole library over that version unless the
    /// requirement is marked weak (<c>VER_FLG_WEAK</c> on its entry in <c>.gnu.version_r</c>), and weak is exactly what
    /// it is in practice. So this marks it weak, and only when all of this holds: the system libstdc++ lacks the
    /// version; the version is needed from libstdc++.so.6; it covers only <c>_ZSt21ios_base_library_initv</c>; and no
    /// relocation refers to that symbol. Anything else is refused with an error rather than patched.
    /// </summary>
    public static class LibTorchSharpElf
    {
        /// <summary>The version the stock library needs and Debian 12's libstdc++ lacks.</summary>
        public const string Version = "GLIBCXX_3.4.32";

        /// <summary>The only symbol allowed to carry <see cref="Version"/>.</summary>
        public const string Symbol = "_ZSt21ios_base_library_initv";

        private const ushort VerFlgWeak = 0x2;
        private const uint ShtRela = 4, ShtRel = 9, ShtDynsym = 11, ShtVerneed = 0x6ffffffe, ShtVersym = 0x6fffffff;

        /// <summary>The outcome for one library file.</summary>
        public enum Outcome
        {
            /// <summary>The system libstdc++ already has the version: nothing to do.</summary>
            SystemIsNewEnough,
            /// <summary>The library does not need the version (or already needs it weakly).</summary>
            NotNeeded,
            /// <summary>The requirement was marked weak.</summary>
            Patched,
        }

        /// <summary>Candidate paths of the system libstdc++ that the dynamic loader uses, most likely first.</summary>
        public static readonly string[] SystemLibStdCxxCandidates =
        {
            "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6",
            "/usr/lib/aarch64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6",
        };

        /// <summary>The first existing candidate, or null.</summary>
        public static string? FindSystemLibStdCxx() => SystemLibStdCxxCandidates.FirstOrDefault(File.Exists);

        /// <summary>Whether a libstdc++ file defines <paramref name="version"/> (its version names live in .dynstr).</summary>
        public static bool Defines(string libStdCxxPath, string version)
        {
            var needle = Encoding.ASCII.GetBytes(version + "\0");
            var bytes = File.ReadAllBytes(libStdCxxPath);
            // MSBuild compiles this against netstandard2.0 (no span search), hence the plain loop.
            for (var i = Array.IndexOf(bytes, needle[0]); i >= 0 && i <= bytes.Length - needle.Length; i = Array.IndexOf(bytes, needle[0], i + 1))
            {
                var j = 1;
                while (j < needle.Length && bytes[i + j] == needle[j]) j++;
                if (j == needle.Length) return true;
            }
            return false;
        }

        /// <summary>
        /// Applies the fix to <paramref name="libraryPath"/> if <paramref name="systemLibStdCxx"/> lacks the version.
        /// The file is replaced (written beside it and renamed), never modified in place, so a hard link into the
        /// NuGet package cache keeps the stock bytes.
        /// </summary>
        /// <exception cref="InvalidOperationException">The library needs the version in a way that weakening would break.</exception>
        public static Outcome Apply(string libraryPath, string systemLibStdCxx) =>
            Defines(systemLibStdCxx, Version) ? Outcome.SystemIsNewEnough : Weaken(libraryPath);

        /// <summary>
        /// Marks the requirement weak whatever this machine's libstdc++ is: for files that other machines will load
        /// (the vt tool package). A weak requirement costs nothing where libstdc++ has the version. Same refusals and
        /// same file replacement as <see cref="Apply"/>.
        /// </summary>
        /// <exception cref="InvalidOperationException">The library needs the version in a way that weakening would break.</exception>
        public static Outcome Weaken(string libraryPath)
        {
            var bytes = File.ReadAllBytes(libraryPath);
            var flagsOffset = FindRequirement(bytes, libraryPath);
            if (flagsOffset < 0) return Outcome.NotNeeded;
            var flags = BitConverter.ToUInt16(bytes, flagsOffset);
            if ((flags & VerFlgWeak) != 0) return Outcome.NotNeeded;
            BitConverter.GetBytes((ushort)(flags | VerFlgWeak)).CopyTo(bytes, flagsOffset);
            var temp = libraryPath + ".vt-compat.tmp";
            File.WriteAllBytes(temp, bytes);
            File.Delete(libraryPath);
            File.Move(temp, libraryPath);
            return Outcome.Patched;
        }

        /// <summary>Whether the library's requirement on <see cref="Version"/> is weak (false when it has none).</summary>
        public static bool IsWeak(string libraryPath)
        {
            var bytes = File.ReadAllBytes(libraryPath);
            var offset = FindRequirement(bytes, libraryPath);
            return offset >= 0 && (BitConverter.ToUInt16(bytes, offset) & VerFlgWeak) != 0;
        }

        // Returns the file offset of vna_flags of the GLIBCXX_3.4.32 entry, or -1 when there is none; throws when the
        // entry covers anything but the one unreferenced symbol.
        private static int FindRequirement(byte[] b, string path)
        {
            if (b.Length < 64 || b[0] != 0x7f || b[1] != (byte)'E' || b[2] != (byte)'L' || b[3] != (byte)'F')
                throw new InvalidOperationException($"{path} is not an ELF file.");
            if (b[4] != 2 || b[5] != 1)
                throw new InvalidOperationException($"{path} is not a 64-bit little-endian ELF file.");
            var shoff = checked((int)BitConverter.ToUInt64(b, 0x28));
            var shentsize = BitConverter.ToUInt16(b, 0x3A);
            var shnum = BitConverter.ToUInt16(b, 0x3C);
            var sections = new List<(uint type, int offset, int size, uint link, uint info)>();
            for (var i = 0; i < shnum; i++)
            {
                var h = shoff + i * shentsize;
                sections.Add((BitConverter.ToUInt32(b, h + 4), checked((int)BitConverter.ToUInt64(b, h + 24)),
                    checked((int)BitConverter.ToUInt64(b, h + 32)), BitConverter.ToUInt32(b, h + 40), BitConverter.ToUInt32(b, h + 44)));
            }
            var verneedIndex = sections.FindIndex(s => s.type == ShtVerneed);
            if (verneedIndex < 0) return -1;
            var verneed = sections[verneedIndex];
            var dynstr = sections[(int)verneed.link];
            string Str(int strtab, uint offset)
            {
                var start = strtab + (int)offset;
                var end = Array.IndexOf(b, (byte)0, start);
                return Encoding.ASCII.GetString(b, start, end - start);
            }

            int flagsOffset = -1;
            ushort versionIndex = 0;
            var vn = verneed.offset;
            for (var n = 0; n < verneed.info; n++)
            {
                var file = Str(dynstr.offset, BitConverter.ToUInt32(b, vn + 4));
                var cnt = BitConverter.ToUInt16(b, vn + 2);
                var aux = vn + (int)BitConverter.ToUInt32(b, vn + 8);
                for (var a = 0; a < cnt; a++)
                {
                    if (Str(dynstr.offset, BitConverter.ToUInt32(b, aux + 8)) == Version)
                    {
                        if (!file.StartsWith("libstdc++.so", StringComparison.Ordinal))
                            throw new InvalidOperationException($"{path} needs {Version} from {file}, not from libstdc++; refusing to patch.");
                        flagsOffset = aux + 4;
                        versionIndex = BitConverter.ToUInt16(b, aux + 6);
                    }
                    aux += (int)BitConverter.ToUInt32(b, aux + 12);
                }
                var next = BitConverter.ToUInt32(b, vn + 12);
                if (next == 0) break;
                vn += (int)next;
            }
            if (flagsOffset < 0) return -1;

            var dynsymIndex = sections.FindIndex(s => s.type == ShtDynsym);
            var versym = sections.FirstOrDefault(s => s.type == ShtVersym);
            if (dynsymIndex < 0 || versym.size == 0) throw new InvalidOperationException($"{path} has version requirements but no versioned dynamic symbols.");
            var dynsym = sections[dynsymIndex];
            var symstr = sections[(int)dynsym.link];
            var users = new List<(int index, string name)>();
            var count = dynsym.size / 24;
            for (var i = 0; i < count; i++)
            {
                if ((BitConverter.ToUInt16(b, versym.offset + 2 * i) & 0x7fff) != versionIndex) continue;
                users.Add((i, Str(symstr.offset, BitConverter.ToUInt32(b, dynsym.offset + 24 * i))));
            }
            if (users.Count != 1 || users[0].name != Symbol)
                throw new InvalidOperationException(
                    $"{path} needs {Version} for {string.Join(", ", users.Select(u => u.name))}, not only for {Symbol}; " +
                    "the system libstdc++ is too old for it. Install a libstdc++ from GCC 13 or later, or use a newer distribution (Debian 13, Ubuntu 24.04).");
            foreach (var rel in sections.Where(s => (s.type == ShtRela || s.type == ShtRel) && s.link == dynsymIndex))
            {
                var entry = rel.type == ShtRela ? 24 : 16;
                for (var r = rel.offset; r + entry <= rel.offset + rel.size; r += entry)
                    if ((int)(BitConverter.ToUInt64(b, r + 8) >> 32) == users[0].index)
                        throw new InvalidOperationException(
                            $"{path} calls {Symbol} (a relocation refers to it), so it cannot run on a libstdc++ without {Version}. " +
                            "Install a libstdc++ from GCC 13 or later, or use a newer distribution (Debian 13, Ubuntu 24.04).");
            }
            return flagsOffset;
        }
    }

    /// <summary>MSBuild task: applies <see cref="LibTorchSharpElf.Apply"/> to each file in <see cref="Files"/>.</summary>
    public class PatchLibTorchSharp : Task
    {
        /// <summary>The copies of libLibTorchSharp.so in an output or publish folder.</summary>
        [Required]
        public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();

        /// <summary>Overrides the system libstdc++ path (tests); empty means the loader's usual location.</summary>
        public string SystemLibStdCxx { get; set; } = "";

        /// <summary>
        /// Patches whatever this machine's libstdc++ is (<see cref="LibTorchSharpElf.Weaken"/>), for output that is
        /// shipped to other machines, such as the vt tool package; the system libstdc++ is then not consulted.
        /// </summary>
        public bool Always { get; set; }

        /// <inheritdoc />
        public override bool Execute()
        {
            var system = Always ? null : string.IsNullOrEmpty(SystemLibStdCxx) ? LibTorchSharpElf.FindSystemLibStdCxx() : SystemLibStdCxx;
            if (!Always && system is null)
            {
                Log.LogMessage(MessageImportance.Low, "VideoTransformers: no system libstdc++.so.6 found; libLibTorchSharp.so left as it is.");
                return true;
            }
            var reason = Always ? "for any libstdc++ without " + LibTorchSharpElf.Version : $"{system} lacks {LibTorchSharpElf.Version}";
            foreach (var item in Files)
            {
                try
                {
                    var outcome = Always ? LibTorchSharpElf.Weaken(item.ItemSpec) : LibTorchSharpElf.Apply(item.ItemSpec, system!);
                    if (outcome == LibTorchSharpElf.Outcome.Patched)
                        Log.LogMessage(MessageImportance.Normal,
                            $"VideoTransformers: {reason}; marked that requirement of {item.ItemSpec} weak (only {LibTorchSharpElf.Symbol}, which nothing calls, uses it).");
                }
                catch (Exception e) when (e is InvalidOperationException || e is IOException || e is UnauthorizedAccessException)
                {
                    Log.LogError($"VideoTransformers: cannot make {item.ItemSpec} loadable " + (Always ? "on older libstdc++" : $"with {system}") + $": {e.Message}");
                }
            }
            return !Log.HasLoggedErrors;
        }
    }
}
