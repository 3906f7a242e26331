/* fuzz-audio-native.c — libFuzzer target for the native audio engine's
 * receive path (media/audio-native.c via ja_media_audio_receive's engine):
 * the input is a sequence of packets as they arrive from the peer
 * (plaintext after SRTP), each prefixed by a 2-byte big-endian length.
 * They go through RTP/RTCP demultiplexing, RTP and RFC 8285 header
 * extension parsing, RFC 3550 statistics, RTCP SR/RR parsing, RFC 4733
 * events, and — one media tick after each packet — the jitter buffer,
 * Opus/G.711 decoding and concealment. Nothing may crash, leak or log a
 * warning. */

#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "media/audio-native.h"
#include "media/rtp-packet.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static gboolean once;
  JaMediaAudioConfig cfg = { 0 };
  JaMediaAudioStats st;
  JaAudioNative *audio;
  gsize off = 0;

  if (!once) { /* a peer must never reach g_warning/g_critical */
    g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
    once = TRUE;
  }
  cfg.source = "silence";
  cfg.sink = "none";
  cfg.send_codec = "opus";
  cfg.send_pt = 111;
  cfg.recv_codecs[111] = "opus";
  cfg.recv_codecs[0] = "PCMU";
  cfg.recv_codecs[8] = "PCMA";
  cfg.recv_codecs[96] = "VP8"; /* not audio: kept in sequence only */
  cfg.dtmf_pt = 101;
  cfg.dtmf_clock_rate = 48000;
  cfg.local_ssrc = 0x11223344;
  cfg.hdrext_mid_id = 1;
  cfg.mid = "audio";
  cfg.hdrext_audio_level_id = 2;
  cfg.send = TRUE;
  cfg.receive = TRUE;
  audio = ja_audio_native_new (&cfg, NULL, NULL, NULL, NULL);
  g_assert_nonnull (audio);
  while (off + 2 <= size) {
    gsize len = MIN ((gsize)(data[off] << 8 | data[off + 1]), size - off - 2);
    /* A copy of exactly `len` bytes, so ASan catches any over-read. */
    g_autofree guint8 *pkt = g_memdup2 (data + off + 2, len);
    const guint8 *v;
    gsize vlen;

    ja_audio_native_receive (audio, pkt, len);
    for (guint8 id = 0; id < 16; id++)
      if (ja_rtp_hdrext_find (pkt, len, id, &v, &vlen))
        g_assert (v > pkt && v + vlen <= pkt + len && vlen <= 255);
    ja_audio_native_run_tick (audio);
    off += 2 + len;
  }
  ja_audio_native_get_stats (audio, &st);
  g_assert (st.packets_lost >= 0);
  ja_audio_native_free (audio);
  return 0;
}
