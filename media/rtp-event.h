/* rtp-event.h — pure RTP parsing for the audio engine: the RFC 5761 §4
 * RTP/RTCP demultiplexing rule, the RFC 3550 §5.1 fixed header (with CSRCs,
 * extension and padding) and RFC 4733 §2.3 telephone-event payloads. No
 * I/O, no GStreamer: unit-tested and fuzzable on its own. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  guint8 pt;
  gboolean marker;
  guint16 seq;
  guint32 timestamp;
  guint32 ssrc;
  gsize payload_offset; /* after CSRCs and the header extension */
  gsize payload_len;    /* without padding */
} JaRtpHeader;

typedef struct {
  guint8 event; /* 0-9, 10 '*', 11 '#', 12-15 A-D, others non-DTMF */
  gboolean end;
  guint8 volume;    /* -dBm0 */
  guint16 duration; /* in RTP clock units since the event's timestamp */
} JaRtpEvent;

/* RFC 5761 §4: a version-2 packet whose second byte is 192-223 (payload
 * type 64-95 with the marker bit) is RTCP. */
gboolean ja_rtp_is_rtcp (const guint8 *data, gsize len);
/* FALSE for anything that is not a well-formed RTP version-2 packet. */
gboolean ja_rtp_header_parse (const guint8 *data, gsize len, JaRtpHeader *hdr);
/* FALSE when the payload is shorter than one event (4 bytes). */
gboolean ja_rtp_event_parse (const guint8 *payload, gsize len, JaRtpEvent *ev);
/* '\0' for events that are not DTMF digits. */
char ja_rtp_event_to_digit (guint8 event);
/* -1 for characters that are not DTMF digits (0-9 * # A-D, any case). */
int ja_rtp_event_from_digit (char digit);

/* RFC 4733 §2.3 on the receiving side: all packets of one event carry its
 * start timestamp, the end bit is set (and repeated) in the last ones. A
 * digit is reported once, on its first end packet; an event whose end
 * packets were all lost is reported when the next one starts. Zeroed =
 * nothing seen yet. */
typedef struct {
  gboolean valid, reported;
  guint32 ts;
  guint8 event;
  guint duration; /* clock units */
} JaRtpEventReceiver;

typedef struct {
  char digit;
  guint duration; /* clock units */
} JaRtpEventReport;

/* Feeds one telephone-event packet; returns how many digits (0-2: the
 * previous unfinished one, then this one) are to be reported, in `out`.
 * Events that are not DTMF digits are followed but never reported. */
guint ja_rtp_event_receiver_feed (JaRtpEventReceiver *r, guint32 ts,
                                  const JaRtpEvent *ev,
                                  JaRtpEventReport out[2]);

G_END_DECLS
