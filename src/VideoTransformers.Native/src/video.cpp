// In-process video decoding with FFmpeg (libavformat/libavcodec/libswscale).
//
// Decoding is sequential: a handle remembers how far it has decoded, so requests
// with increasing start frames continue where the previous one stopped, and a
// request for an earlier frame reopens the file and decodes from the beginning.
// Keyframe seeking is deliberately not used: the target datasets have very long
// GOPs (KTH clips carry 2 keyframes in ~400 frames), so seeking saves little, and
// mapping timestamps back to frame indices is unreliable for AVI files without pts,
// DivX packed B-frames and skipped-frame placeholders. Frame i is always the i-th
// picture the decoder outputs.
//
// Error policy: open fails for missing, unreadable, unrecognised and truncated files
// (truncation is detected when the container declares more frames than can be
// demuxed, or when the last packet was cut short). If decoding fails half way,
// vt_video_decode returns -1 with *frames_written set to the frames already written
// before the failure, and the error message says how many that was.
#include "shim.h"

#include <cstdarg>
#include <cstring>
#include <memory>
#include <mutex>
#include <stdexcept>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/avutil.h>
#include <libavutil/imgutils.h>
#include <libavutil/mem.h>
#include <libswscale/swscale.h>
}

namespace {

// FFmpeg's own diagnostics would otherwise go straight to stderr, which a library
// must not do; the most recent error line is kept per thread and appended to the
// message of the failing call instead.
thread_local std::string last_av_log;

void av_log_capture(void* avcl, int level, const char* fmt, va_list vl) {
  if (level > AV_LOG_ERROR) return;
  char line[1024];
  int print_prefix = 1;
  va_list copy;
  va_copy(copy, vl);
  av_log_format_line2(avcl, level, fmt, copy, line, sizeof line, &print_prefix);
  va_end(copy);
  std::string s(line);
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  if (!s.empty()) last_av_log = s;
}

void install_log_capture() {
  static std::once_flag once;
  std::call_once(once, [] { av_log_set_callback(av_log_capture); });
}

std::string av_error_text(int err) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {0};
  if (av_strerror(err, buf, sizeof buf) < 0) std::snprintf(buf, sizeof buf, "FFmpeg error %d", err);
  return buf;
}

[[noreturn]] void fail(const std::string& path, const std::string& what, int err = 0) {
  std::string msg = "video '" + path + "': " + what;
  if (err != 0) msg += ": " + av_error_text(err);
  if (!last_av_log.empty()) msg += " (ffmpeg: " + last_av_log + ")";
  throw std::runtime_error(msg);
}

struct FormatCloser {
  void operator()(AVFormatContext* f) const { avformat_close_input(&f); }
};
struct CodecFreer {
  void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};
struct PacketFreer {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};
struct FrameFreer {
  void operator()(AVFrame* f) const { av_frame_free(&f); }
};
struct SwsFreer {
  void operator()(SwsContext* s) const { sws_freeContext(s); }
};
struct AvFreer {
  void operator()(uint8_t* p) const { av_free(p); }
};
using FormatPtr = std::unique_ptr<AVFormatContext, FormatCloser>;
using CodecPtr = std::unique_ptr<AVCodecContext, CodecFreer>;
using PacketPtr = std::unique_ptr<AVPacket, PacketFreer>;
using FramePtr = std::unique_ptr<AVFrame, FrameFreer>;

struct Input {
  FormatPtr fmt;
  int stream = -1;
  const AVCodec* codec = nullptr;
};

Input open_input(const std::string& path) {
  Input in;
  AVFormatContext* raw = nullptr;
  int r = avformat_open_input(&raw, path.c_str(), nullptr, nullptr);
  if (r < 0) fail(path, "cannot open", r);
  in.fmt.reset(raw);
  r = avformat_find_stream_info(raw, nullptr);
  if (r < 0) fail(path, "cannot read stream information", r);
  r = av_find_best_stream(raw, AVMEDIA_TYPE_VIDEO, -1, -1, &in.codec, 0);
  if (r == AVERROR_STREAM_NOT_FOUND) fail(path, "no video stream");
  if (r == AVERROR_DECODER_NOT_FOUND) fail(path, "no decoder for the video stream", r);
  if (r < 0) fail(path, "cannot select a video stream", r);
  in.stream = r;
  // Audio (Kinetics clips carry AAC) and other streams are dropped by the demuxer.
  for (unsigned i = 0; i < raw->nb_streams; i++)
    if ((int)i != in.stream) raw->streams[i]->discard = AVDISCARD_ALL;
  return in;
}

// DivX/Xvid AVI files hold 1-byte "frame skipped" placeholders that the MPEG-4
// decoder accepts but never turns into a picture (FFmpeg's FRAME_SKIPPED path);
// counting them would overstate the frame count by one per placeholder.
bool is_placeholder(const AVPacket* pkt, AVCodecID codec) {
  return pkt->size == 0 || (codec == AV_CODEC_ID_MPEG4 && pkt->size <= 1);
}

}  // namespace

struct vt_video {
  std::string path;
  Input in;
  CodecPtr dec;
  PacketPtr pkt{av_packet_alloc()};
  FramePtr frame{av_frame_alloc()};
  int64_t next_index = 0;  // index the next picture out of the decoder will have
  bool input_done = false;
  bool drained = false;

  int64_t frame_count = 0;
  int64_t declared_frames = 0;
  bool broken = false;  // a failed decode leaves the decoder state unusable
  double fps = 0, duration = 0;
  int width = 0, height = 0;

  SwsContext* sws = nullptr;
  std::unique_ptr<uint8_t, AvFreer> scratch;
  size_t scratch_size = 0;

  ~vt_video() { sws_freeContext(sws); }

  AVCodecID codec_id() const { return in.fmt->streams[in.stream]->codecpar->codec_id; }

  void open_decoder() {
    in = open_input(path);
    AVStream* st = in.fmt->streams[in.stream];
    dec.reset(avcodec_alloc_context3(in.codec));
    if (!dec) fail(path, "out of memory allocating the decoder");
    int r = avcodec_parameters_to_context(dec.get(), st->codecpar);
    if (r < 0) fail(path, "cannot configure the decoder", r);
    dec->pkt_timebase = st->time_base;
    // The data loader parallelises across videos, so one thread per decoder avoids
    // oversubscription and keeps frame output order simple.
    dec->thread_count = 1;
    r = avcodec_open2(dec.get(), in.codec, nullptr);
    if (r < 0) fail(path, std::string("cannot open the ") + in.codec->name + " decoder", r);
    next_index = 0;
    input_done = false;
    drained = false;
  }

  // Demuxes the whole video stream without decoding; cheap, and it doubles as the
  // truncation check because a cut file cannot deliver the frames its header declares.
  void count_packets() {
    Input probe = open_input(path);
    AVCodecID id = probe.fmt->streams[probe.stream]->codecpar->codec_id;
    PacketPtr p(av_packet_alloc());
    int64_t raw = 0, frames = 0;
    bool last_corrupt = false;
    int r;
    while ((r = av_read_frame(probe.fmt.get(), p.get())) >= 0) {
      if (p->stream_index == probe.stream) {
        raw++;
        if (!is_placeholder(p.get(), id)) frames++;
        last_corrupt = (p->flags & AV_PKT_FLAG_CORRUPT) != 0;
      }
      av_packet_unref(p.get());
    }
    if (r != AVERROR_EOF) fail(path, "cannot read packet " + std::to_string(raw), r);
    if (last_corrupt) fail(path, "file is truncated: the last video packet is incomplete");
    if (declared_frames > 0 && raw < declared_frames)
      fail(path, "file is truncated or damaged: the container declares " + std::to_string(declared_frames) +
                     " video frames but only " + std::to_string(raw) + " could be read");
    frame_count = frames;
  }

  void open() {
    open_decoder();
    AVStream* st = in.fmt->streams[in.stream];
    width = st->codecpar->width;
    height = st->codecpar->height;
    if (width <= 0 || height <= 0) fail(path, "video stream has no frame size");
    AVRational rate = st->avg_frame_rate;
    if (rate.num <= 0 || rate.den <= 0) rate = av_guess_frame_rate(in.fmt.get(), st, nullptr);
    fps = (rate.num > 0 && rate.den > 0) ? av_q2d(rate) : 0.0;
    declared_frames = st->nb_frames;
    count_packets();
    if (st->duration != AV_NOPTS_VALUE && st->duration > 0)
      duration = st->duration * av_q2d(st->time_base);
    else if (in.fmt->duration != AV_NOPTS_VALUE && in.fmt->duration > 0)
      duration = (double)in.fmt->duration / AV_TIME_BASE;
    else if (fps > 0)
      duration = frame_count / fps;
  }

  // Leaves the next decoded picture in `frame`; false at end of stream.
  bool next_frame() {
    for (;;) {
      if (drained) return false;
      int r = avcodec_receive_frame(dec.get(), frame.get());
      if (r == 0) return true;
      if (r == AVERROR_EOF) {
        drained = true;
        return false;
      }
      if (r != AVERROR(EAGAIN)) fail(path, "decoding frame " + std::to_string(next_index) + " failed", r);
      if (input_done) fail(path, "decoder stalled after end of input");
      r = av_read_frame(in.fmt.get(), pkt.get());
      if (r == AVERROR_EOF) {
        input_done = true;
        r = avcodec_send_packet(dec.get(), nullptr);
        if (r < 0 && r != AVERROR_EOF) fail(path, "flushing the decoder failed", r);
        continue;
      }
      if (r < 0) fail(path, "reading packets after frame " + std::to_string(next_index) + " failed", r);
      if (pkt->stream_index != in.stream || pkt->size == 0) {
        av_packet_unref(pkt.get());
        continue;
      }
      bool placeholder = is_placeholder(pkt.get(), codec_id());
      bool corrupt = (pkt->flags & AV_PKT_FLAG_CORRUPT) != 0;
      r = avcodec_send_packet(dec.get(), pkt.get());
      av_packet_unref(pkt.get());
      if (corrupt) fail(path, "packet after frame " + std::to_string(next_index) + " is incomplete (file truncated?)");
      if (r < 0 && !placeholder)
        fail(path, "decoding the packet after frame " + std::to_string(next_index) + " failed", r);
    }
  }

  void convert(const AVFrame* f, int ow, int oh, int channels, uint8_t* dst) {
    AVPixelFormat dst_fmt = channels == 1 ? AV_PIX_FMT_GRAY8 : AV_PIX_FMT_RGB24;
    // Area averaging is the right filter when shrinking (no aliasing); bilinear when growing.
    int flags = (ow <= f->width && oh <= f->height) ? SWS_AREA : SWS_BILINEAR;
    sws = sws_getCachedContext(sws, f->width, f->height, (AVPixelFormat)f->format, ow, oh, dst_fmt, flags,
                               nullptr, nullptr, nullptr);
    if (!sws)
      fail(path, std::string("cannot convert pixel format ") +
                     (av_get_pix_fmt_name((AVPixelFormat)f->format) ? av_get_pix_fmt_name((AVPixelFormat)f->format)
                                                                    : "?"));
    // swscale's SIMD paths may write past the row end up to the alignment, so it
    // scales into an aligned scratch image and rows are then copied tightly packed.
    int row = ow * channels;
    int linesize = FFALIGN(row, 64);
    size_t need = (size_t)linesize * oh + 64;
    if (scratch_size < need) {
      scratch.reset((uint8_t*)av_malloc(need));
      if (!scratch) fail(path, "out of memory");
      scratch_size = need;
    }
    uint8_t* planes[4] = {scratch.get(), nullptr, nullptr, nullptr};
    int lines[4] = {linesize, 0, 0, 0};
    int h = sws_scale(sws, f->data, f->linesize, 0, f->height, planes, lines);
    if (h != oh) fail(path, "pixel conversion failed");
    for (int y = 0; y < oh; y++) std::memcpy(dst + (size_t)y * row, scratch.get() + (size_t)y * linesize, row);
  }
};

VT_API vt_video* vt_video_open(const char* path) {
  VT_GUARD(nullptr, {
    install_log_capture();
    last_av_log.clear();
    if (!path || !*path) throw std::runtime_error("video path is empty");
    auto v = std::make_unique<vt_video>();
    v->path = path;
    if (!v->pkt || !v->frame) fail(v->path, "out of memory");
    v->open();
    return v.release();
  })
}

VT_API void vt_video_close(vt_video* h) { delete h; }

VT_API int32_t vt_video_info(vt_video* h, int64_t* frame_count, double* fps, int32_t* width, int32_t* height,
                             double* duration) {
  VT_STATUS({
    if (!h) throw std::runtime_error("video handle is null");
    if (frame_count) *frame_count = h->frame_count;
    if (fps) *fps = h->fps;
    if (width) *width = h->width;
    if (height) *height = h->height;
    if (duration) *duration = h->duration;
  })
}

// Decodes frames start, start+step, ... (`count` of them, or until end of stream when
// count < 0) into dst as [n, out_h, out_w, channels] uint8. out_w/out_h of 0 keep the
// native size. Returns 0, or -1 with *frames_written frames valid in dst.
VT_API int32_t vt_video_decode(vt_video* h, int64_t start, int64_t count, int64_t step, int32_t out_w,
                               int32_t out_h, int32_t channels, uint8_t* dst, int64_t dst_capacity_frames,
                               int64_t* frames_written) {
  if (frames_written) *frames_written = 0;
  VT_STATUS({
    if (!h) throw std::runtime_error("video handle is null");
    last_av_log.clear();
    const std::string& path = h->path;
    if (start < 0) fail(path, "start frame must be >= 0, got " + std::to_string(start));
    if (step < 1) fail(path, "step must be >= 1, got " + std::to_string(step));
    if (channels != 1 && channels != 3) fail(path, "channels must be 1 (gray) or 3 (RGB), got " + std::to_string(channels));
    if (out_w < 0 || out_h < 0) fail(path, "output size must be >= 0");
    if (out_w == 0) out_w = h->width;
    if (out_h == 0) out_h = h->height;
    if (dst_capacity_frames < 0 || (dst_capacity_frames > 0 && !dst)) fail(path, "invalid destination buffer");
    if (count > dst_capacity_frames)
      fail(path, "destination holds " + std::to_string(dst_capacity_frames) + " frames but " + std::to_string(count) +
                     " were requested");
    int64_t want = count < 0 ? dst_capacity_frames : count;
    size_t frame_bytes = (size_t)out_w * out_h * channels;
    int64_t written = 0;
    if (want > 0) {
      if (start < h->next_index || h->broken) h->open_decoder();
      h->broken = false;
      int64_t target = start;
      try {
        while (written < want && h->next_frame()) {
          int64_t idx = h->next_index++;
          if (idx != target) continue;
          h->convert(h->frame.get(), out_w, out_h, channels, dst + (size_t)written * frame_bytes);
          written++;
          if (frames_written) *frames_written = written;
          target += step;
        }
      } catch (const std::exception& e) {
        h->broken = true;
        throw std::runtime_error(std::string(e.what()) + "; " + std::to_string(written) +
                                 " requested frames were decoded before the failure");
      }
      if (h->drained) {
        // The decoded count is the ground truth; the packet count is only a cheap estimate.
        h->frame_count = h->next_index;
      }
    }
    if (frames_written) *frames_written = written;
  })
}
