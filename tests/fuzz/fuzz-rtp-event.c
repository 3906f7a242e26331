/* fuzz-rtp-event.c — libFuzzer target for media/rtp-event.c: the input is
 * one packet as it arrives from the peer (plaintext after SRTP). Whatever
 * parses as RTP must have its payload inside the packet, and an RFC 4733
 * event read from it must round-trip its digit mapping. */

#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "media/rtp-event.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static gboolean once;
  JaRtpHeader hdr;
  JaRtpEvent ev;
  /* A copy of exactly `size` bytes, so ASan catches any over-read. */
  g_autofree guint8 *pkt = g_memdup2 (data, size);

  if (!once) { /* a peer must never reach g_warning/g_critical */
    g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
    once = TRUE;
  }
  if (ja_rtp_is_rtcp (pkt, size))
    g_assert (size >= 2 && pkt[1] >= 192 && pkt[1] <= 223);
  if (!ja_rtp_header_parse (pkt, size, &hdr))
    return 0;
  g_assert (hdr.payload_offset >= 12);
  g_assert (hdr.payload_offset + hdr.payload_len <= size);
  if (ja_rtp_event_parse (pkt + hdr.payload_offset, hdr.payload_len, &ev)) {
    char digit = ja_rtp_event_to_digit (ev.event);

    g_assert (hdr.payload_len >= 4);
    if (digit != '\0')
      g_assert (ja_rtp_event_from_digit (digit) == ev.event);
  }
  return 0;
}
