/* test-rtp-event.c — the pure RTP helpers of media/rtp-event.c: the
 * RFC 5761 demultiplexing rule, RFC 3550 header bounds (CSRCs, extension,
 * padding, truncation) and RFC 4733 telephone-event payloads. */
#include "media/rtp-event.h"

#include <string.h>

static void
test_rtcp_rule (void)
{
  /* SR (200), RR (201), and the 192..223 edges. */
  static const guint8 sr[] = { 0x80, 200, 0, 6 };
  static const guint8 edge_lo[] = { 0x80, 192 };
  static const guint8 edge_hi[] = { 0x80, 223 };
  /* Opus pt 111 with the marker bit is 239: RTP. PCMU pt 0 marker: 128. */
  static const guint8 opus_marker[] = { 0x80, 0x80 | 111 };
  static const guint8 pcmu_marker[] = { 0x80, 0x80 };
  static const guint8 v1[] = { 0x40, 200 };

  g_assert_true (ja_rtp_is_rtcp (sr, sizeof sr));
  g_assert_true (ja_rtp_is_rtcp (edge_lo, sizeof edge_lo));
  g_assert_true (ja_rtp_is_rtcp (edge_hi, sizeof edge_hi));
  g_assert_false (ja_rtp_is_rtcp (opus_marker, sizeof opus_marker));
  g_assert_false (ja_rtp_is_rtcp (pcmu_marker, sizeof pcmu_marker));
  g_assert_false (ja_rtp_is_rtcp (v1, sizeof v1));
  g_assert_false (ja_rtp_is_rtcp (sr, 1));
}

static void
test_header (void)
{
  /* V=2, no CSRC; M=1 pt=101; seq 0x1234; ts 0x01020304; ssrc 0xdeadbeef. */
  static const guint8 pkt[]
      = { 0x80, 0x80 | 101, 0x12, 0x34, 1,    2,    3,    4,
          0xde, 0xad,       0xbe, 0xef, 0x05, 0x8a, 0x03, 0x20 };
  JaRtpHeader h;

  g_assert_true (ja_rtp_header_parse (pkt, sizeof pkt, &h));
  g_assert_true (h.marker);
  g_assert_cmpuint (h.pt, ==, 101);
  g_assert_cmpuint (h.seq, ==, 0x1234);
  g_assert_cmpuint (h.timestamp, ==, 0x01020304);
  g_assert_cmpuint (h.ssrc, ==, 0xdeadbeef);
  g_assert_cmpuint (h.payload_offset, ==, 12);
  g_assert_cmpuint (h.payload_len, ==, 4);
  g_assert_false (ja_rtp_header_parse (pkt, 11, &h));
}

static void
test_header_csrc_extension_padding (void)
{
  /* CC=1, X=1, P=1: 12 + 4 (CSRC) + 4 (ext header) + 4 (one ext word),
   * then 4 payload bytes and 3 bytes of padding. */
  static const guint8 pkt[] = { 0x80 | 0x20 | 0x10 | 1,
                                0,
                                0,
                                1,
                                0,
                                0,
                                0,
                                1,
                                0,
                                0,
                                0,
                                2,
                                /* CSRC */ 0,
                                0,
                                0,
                                3,
                                /* ext */ 0xbe,
                                0xde,
                                0,
                                1,
                                1,
                                2,
                                3,
                                4,
                                /* payload */ 9,
                                9,
                                9,
                                9,
                                /* padding */ 0,
                                0,
                                3 };
  JaRtpHeader h;
  guint8 bad[sizeof pkt];

  g_assert_true (ja_rtp_header_parse (pkt, sizeof pkt, &h));
  g_assert_cmpuint (h.payload_offset, ==, 24);
  g_assert_cmpuint (h.payload_len, ==, 4);
  g_assert_cmpuint (pkt[h.payload_offset], ==, 9);

  /* Padding longer than the payload, zero padding, an extension past the
   * end, CSRCs past the end: all rejected. */
  memcpy (bad, pkt, sizeof pkt);
  bad[sizeof bad - 1] = 12;
  g_assert_false (ja_rtp_header_parse (bad, sizeof bad, &h));
  bad[sizeof bad - 1] = 0;
  g_assert_false (ja_rtp_header_parse (bad, sizeof bad, &h));
  memcpy (bad, pkt, sizeof pkt);
  bad[19] = 200;
  g_assert_false (ja_rtp_header_parse (bad, sizeof bad, &h));
  memcpy (bad, pkt, sizeof pkt);
  bad[0] = 0x80 | 15;
  g_assert_false (ja_rtp_header_parse (bad, sizeof bad, &h));
}

static void
test_event (void)
{
  /* '#' (11), end, volume 10, duration 800 (100 ms at 8 kHz). */
  static const guint8 payload[] = { 11, 0x80 | 10, 0x03, 0x20 };
  JaRtpEvent ev;

  g_assert_true (ja_rtp_event_parse (payload, sizeof payload, &ev));
  g_assert_cmpuint (ev.event, ==, 11);
  g_assert_true (ev.end);
  g_assert_cmpuint (ev.volume, ==, 10);
  g_assert_cmpuint (ev.duration, ==, 800);
  g_assert_false (ja_rtp_event_parse (payload, 3, &ev));
}

static void
test_digits (void)
{
  const char *all = "0123456789*#ABCD";

  for (int i = 0; i < 16; i++) {
    g_assert_cmpint (ja_rtp_event_from_digit (all[i]), ==, i);
    g_assert_cmpint (ja_rtp_event_to_digit ((guint8)i), ==, all[i]);
  }
  g_assert_cmpint (ja_rtp_event_from_digit ('b'), ==, 13);
  g_assert_cmpint (ja_rtp_event_from_digit ('x'), ==, -1);
  g_assert_cmpint (ja_rtp_event_from_digit (','), ==, -1);
  g_assert_cmpint (ja_rtp_event_from_digit ('\0'), ==, -1);
  /* Event 16 (flash) and up are not digits. */
  g_assert_cmpint (ja_rtp_event_to_digit (16), ==, '\0');
}

/* RFC 4733 §2.3 on the receiving side: one report per digit on its first
 * end packet (the repeats ignored), an event whose end packets were lost
 * reported when the next starts, non-digit events never reported. */
static void
test_receiver (void)
{
  JaRtpEventReceiver r = { 0 };
  JaRtpEventReport rep[2];
  JaRtpEvent ev = { 1, FALSE, 10, 400 };

  /* '1' at ts 1000: updates, then the end packet three times. */
  g_assert_cmpuint (ja_rtp_event_receiver_feed (&r, 1000, &ev, rep), ==, 0);
  ev.duration = 800;
  g_assert_cmpuint (ja_rtp_event_receiver_feed (&r, 1000, &ev, rep), ==, 0);
  ev.end = TRUE;
  ev.duration = 960;
  g_assert_cmpuint (ja_rtp_event_receiver_feed (&r, 1000, &ev, rep), ==, 1);
  g_assert_cmpint (rep[0].digit, ==, '1');
  g_assert_cmpuint (rep[0].duration, ==, 960);
  g_assert_cmpuint (ja_rtp_event_receiver_feed (&r, 1000, &ev, rep), ==, 0);
  g_assert_cmpuint (ja_rtp_event_receiver_feed (&r, 1000, &ev, rep), ==, 0);

  /* '#' at ts 3000 whose end packets are lost, then a '5' whose first
   * packet is already its end: both reported by that packet. */
  ev = (JaRtpEvent){ 11, FALSE, 10, 480 };
  g_assert_cmpuint (ja_rtp_event_receiver_feed (&r, 3000, &ev, rep), ==, 0);
  ev = (JaRtpEvent){ 5, TRUE, 10, 320 };
  g_assert_cmpuint (ja_rtp_event_receiver_feed (&r, 5000, &ev, rep), ==, 2);
  g_assert_cmpint (rep[0].digit, ==, '#');
  g_assert_cmpuint (rep[0].duration, ==, 480);
  g_assert_cmpint (rep[1].digit, ==, '5');
  g_assert_cmpuint (rep[1].duration, ==, 320);

  /* Event 32 (not a DTMF digit, RFC 4734 modem tones): followed, not
   * reported, and it does not swallow the next digit. */
  ev = (JaRtpEvent){ 32, TRUE, 10, 800 };
  g_assert_cmpuint (ja_rtp_event_receiver_feed (&r, 7000, &ev, rep), ==, 0);
  ev = (JaRtpEvent){ 0, TRUE, 10, 160 };
  g_assert_cmpuint (ja_rtp_event_receiver_feed (&r, 9000, &ev, rep), ==, 1);
  g_assert_cmpint (rep[0].digit, ==, '0');
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/media/rtp-event/rtcp-rule", test_rtcp_rule);
  g_test_add_func ("/media/rtp-event/header", test_header);
  g_test_add_func ("/media/rtp-event/header-csrc-extension-padding",
                   test_header_csrc_extension_padding);
  g_test_add_func ("/media/rtp-event/event", test_event);
  g_test_add_func ("/media/rtp-event/digits", test_digits);
  g_test_add_func ("/media/rtp-event/receiver", test_receiver);
  return g_test_run ();
}
