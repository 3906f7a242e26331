/* fuzz-rtp-event.c — libFuzzer target for media/rtp-event.c and
 * media/video-keyframe.c: the input is one packet as it arrives from the
 * peer (plaintext after SRTP). Whatever parses as RTP must have its payload
 * inside the packet, an RFC 4733 event read from it must round-trip its
 * digit mapping, and the VP8 / H.264 keyframe tests read only the payload
 * (ASan checks the bounds). The same bytes as RTCP (media/bitrate-ctl.c):
 * the walk finds feedback about the SSRC of the first report block's place
 * (bytes 8-11) and never reads past the end; a loss read from it stays a
 * fraction. */

#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "media/bitrate-ctl.h"
#include "media/rtp-event.h"
#include "media/video-keyframe.h"

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
  {
    JaRtcpFeedback fb;
    JaBitrateCtl ctl;
    guint32 ssrc = size >= 12 ? ((guint32)pkt[8] << 24 | (guint32)pkt[9] << 16
                                 | (guint32)pkt[10] << 8 | pkt[11])
                              : 0;

    if (ja_rtcp_feedback_parse (pkt, size, ssrc, &fb)) {
      ja_bitrate_ctl_init (&ctl, 1000);
      if (fb.have_remb)
        ja_bitrate_ctl_on_remb (&ctl, fb.remb_bps);
      if (fb.have_report)
        ja_bitrate_ctl_on_report (&ctl, fb.fraction_lost);
      g_assert (ja_bitrate_ctl_get_target (&ctl) >= 100);
      g_assert (ja_bitrate_ctl_get_target (&ctl) <= 1000);
    }
  }
  if (!ja_rtp_header_parse (pkt, size, &hdr))
    return 0;
  g_assert (hdr.payload_offset >= 12);
  g_assert (hdr.payload_offset + hdr.payload_len <= size);
  (void) ja_video_payload_starts_keyframe (JA_VIDEO_VP8,
      pkt + hdr.payload_offset, hdr.payload_len);
  (void) ja_video_payload_starts_keyframe (JA_VIDEO_H264,
      pkt + hdr.payload_offset, hdr.payload_len);
  if (ja_rtp_event_parse (pkt + hdr.payload_offset, hdr.payload_len, &ev)) {
    char digit = ja_rtp_event_to_digit (ev.event);

    g_assert (hdr.payload_len >= 4);
    if (digit != '\0')
      g_assert (ja_rtp_event_from_digit (digit) == ev.event);
    {
      /* The receiver's state machine on whatever the packet says: at most
       * two digits, each a real DTMF digit. */
      static JaRtpEventReceiver rx;
      JaRtpEventReport rep[2];
      guint n = ja_rtp_event_receiver_feed (&rx, hdr.timestamp, &ev, rep);

      g_assert (n <= 2);
      for (guint i = 0; i < n; i++)
        g_assert (ja_rtp_event_from_digit (rep[i].digit) >= 0);
    }
  }
  return 0;
}
