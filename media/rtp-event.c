/* rtp-event.c — see rtp-event.h (RFC 3550 §5.1, RFC 4733 §2.3,
 * RFC 5761 §4). */
#include "media/rtp-event.h"

#include <string.h>

static const char dtmf_digits[] = "0123456789*#ABCD";

gboolean
ja_rtp_is_rtcp (const guint8 *data, gsize len)
{
  return len >= 2 && (data[0] >> 6) == 2 && data[1] >= 192 && data[1] <= 223;
}

gboolean
ja_rtp_header_parse (const guint8 *data, gsize len, JaRtpHeader *hdr)
{
  gsize off, end = len;

  if (len < 12 || (data[0] >> 6) != 2)
    return FALSE;
  off = 12 + 4 * (gsize)(data[0] & 0x0f);
  if (off > len)
    return FALSE;
  if (data[0] & 0x10) {
    /* Extension: 16-bit profile, 16-bit length in 32-bit words. */
    if (off + 4 > len)
      return FALSE;
    off += 4 + 4 * (gsize)(data[off + 2] << 8 | data[off + 3]);
    if (off > len)
      return FALSE;
  }
  if (data[0] & 0x20) {
    /* Padding: the last byte counts itself and the bytes before it. */
    guint8 pad = data[len - 1];

    if (pad == 0 || pad > len - off)
      return FALSE;
    end -= pad;
  }
  hdr->marker = (data[1] & 0x80) != 0;
  hdr->pt = data[1] & 0x7f;
  hdr->seq = (guint16)(data[2] << 8 | data[3]);
  hdr->timestamp = (guint32)data[4] << 24 | (guint32)data[5] << 16
                   | (guint32)data[6] << 8 | data[7];
  hdr->ssrc = (guint32)data[8] << 24 | (guint32)data[9] << 16
              | (guint32)data[10] << 8 | data[11];
  hdr->payload_offset = off;
  hdr->payload_len = end - off;
  return TRUE;
}

gboolean
ja_rtp_event_parse (const guint8 *payload, gsize len, JaRtpEvent *ev)
{
  if (len < 4)
    return FALSE;
  ev->event = payload[0];
  ev->end = (payload[1] & 0x80) != 0;
  ev->volume = payload[1] & 0x3f;
  ev->duration = (guint16)(payload[2] << 8 | payload[3]);
  return TRUE;
}

char
ja_rtp_event_to_digit (guint8 event)
{
  return event < 16 ? dtmf_digits[event] : '\0';
}

int
ja_rtp_event_from_digit (char digit)
{
  const char *p;

  if (digit == '\0')
    return -1;
  p = strchr (dtmf_digits, g_ascii_toupper (digit));
  return p != NULL ? (int)(p - dtmf_digits) : -1;
}

static guint
receiver_report (JaRtpEventReceiver *r, JaRtpEventReport *out)
{
  char digit = ja_rtp_event_to_digit (r->event);

  r->reported = TRUE;
  if (digit == '\0')
    return 0;
  out->digit = digit;
  out->duration = r->duration;
  return 1;
}

guint
ja_rtp_event_receiver_feed (JaRtpEventReceiver *r, guint32 ts,
                            const JaRtpEvent *ev, JaRtpEventReport out[2])
{
  guint n = 0;

  if (!r->valid || ts != r->ts) {
    if (r->valid && !r->reported)
      n += receiver_report (r, &out[n]);
    r->valid = TRUE;
    r->reported = FALSE;
    r->ts = ts;
    r->event = ev->event;
  }
  if (!r->reported) {
    r->duration = ev->duration;
    if (ev->end)
      n += receiver_report (r, &out[n]);
  }
  return n;
}
