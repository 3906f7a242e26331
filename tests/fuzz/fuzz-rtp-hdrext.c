/* fuzz-rtp-hdrext.c — libFuzzer target for media/rtp-hdrext.c: the input
 * is one packet as it arrives from the peer (plaintext after SRTP). Every
 * extension value found must lie inside the packet; the BUNDLE demux
 * choice over two contents must be -1, 0 or 1. */

#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "media/rtp-hdrext.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static gboolean once;
  /* A copy of exactly `size` bytes, so ASan catches any over-read. */
  g_autofree guint8 *pkt = g_memdup2 (data, size);
  g_autoptr (GHashTable) ssrcs = g_hash_table_new (NULL, NULL);
  guint8 pts[128] = { 0 };
  JaRtpDemuxEntry entries[2] = { { "audio", 1, pts, NULL },
    { "video", 1, pts, ssrcs } };
  gboolean learn;
  guint32 ssrc;
  int r;

  if (!once) { /* a peer must never reach g_warning/g_critical */
    g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
    once = TRUE;
  }
  for (guint id = 0; id <= 256; id++) {
    const guint8 *v = NULL;
    gsize n = 0;

    if (ja_rtp_hdrext_find (pkt, size, id, &v, &n)) {
      g_assert (id >= 1 && id <= 255);
      g_assert (v >= pkt && v + n <= pkt + size);
    }
  }
  pts[96] = 1;
  g_hash_table_add (ssrcs, GUINT_TO_POINTER (0x01020304));
  r = ja_rtp_demux_choose (entries, 2, pkt, size, &learn, &ssrc, NULL);
  g_assert (r >= -1 && r <= 1);
  g_assert (!learn || r >= 0);
  return 0;
}
