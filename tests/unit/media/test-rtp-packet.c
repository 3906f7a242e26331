/* test-rtp-packet.c — media/rtp-packet.c: G.711 against the G.711 tables'
 * known points, RFC 8285 one-byte extensions written and found again,
 * RFC 6464 levels, and RTCP reports written and parsed back. */
#include <math.h>
#include <string.h>

#include "media/rtp-event.h"
#include "media/rtp-packet.h"

static void
test_g711 (void)
{
  /* Known code points: silence and full scale. */
  g_assert_cmpuint (ja_g711_ulaw_encode (0), ==, 0xff);
  g_assert_cmpint (ja_g711_ulaw_decode (0xff), ==, 0);
  g_assert_cmpuint (ja_g711_ulaw_encode (32767), ==, 0x80);
  g_assert_cmpuint (ja_g711_ulaw_encode (-32768), ==, 0x00);
  g_assert_cmpuint (ja_g711_alaw_encode (0), ==, 0xd5);
  g_assert_cmpuint (ja_g711_alaw_encode (-1), ==, 0x55);
  g_assert_cmpuint (ja_g711_alaw_encode (32767), ==, 0xaa);
  g_assert_cmpuint (ja_g711_alaw_encode (-32768), ==, 0x2a);
  /* Round trips stay within half a quantisation step (≤ 1/16 of the
   * value, plus the smallest step), monotonic, and sign-correct. */
  for (int v = -32768; v <= 32767; v += 7) {
    int u = ja_g711_ulaw_decode (ja_g711_ulaw_encode ((gint16)v));
    int a = ja_g711_alaw_decode (ja_g711_alaw_encode ((gint16)v));

    g_assert_cmpint (ABS (u - v), <=, ABS (v) / 16 + 16);
    g_assert_cmpint (ABS (a - v), <=, ABS (v) / 16 + 16);
  }
  for (int c = 0; c < 256; c++) {
    g_assert_cmpuint (ja_g711_ulaw_encode (ja_g711_ulaw_decode (c)), ==,
                      c == 0x7f ? 0xff : c); /* -0 and +0 */
    g_assert_cmpuint (ja_g711_alaw_encode (ja_g711_alaw_decode (c)), ==, c);
  }
}

static void
test_hdrext (void)
{
  guint8 pkt[128];
  const guint8 *v;
  gsize vlen, ext;
  JaRtpHeader hdr;

  ext = ja_rtp_hdrext_write (pkt + 12, sizeof pkt - 12, 3, "audio", 5, 0x9e);
  /* 4 + (1 + 5) + (1 + 1) = 12: already aligned. */
  g_assert_cmpuint (ext, ==, 12);
  ja_rtp_header_write (pkt, TRUE, 111, 65535, 960, 0xdeadbeef, TRUE);
  memcpy (pkt + 12 + ext, "\x78\x01\x02", 3);
  g_assert_true (ja_rtp_header_parse (pkt, 12 + ext + 3, &hdr));
  g_assert_true (hdr.marker);
  g_assert_cmpuint (hdr.pt, ==, 111);
  g_assert_cmpuint (hdr.seq, ==, 65535);
  g_assert_cmpuint (hdr.ssrc, ==, 0xdeadbeef);
  g_assert_cmpuint (hdr.payload_offset, ==, 12 + ext);
  g_assert_cmpuint (hdr.payload_len, ==, 3);
  g_assert_true (ja_rtp_hdrext_find (pkt, 12 + ext + 3, 3, &v, &vlen));
  g_assert_cmpmem (v, vlen, "audio", 5);
  g_assert_true (ja_rtp_hdrext_find (pkt, 12 + ext + 3, 5, &v, &vlen));
  g_assert_cmpuint (vlen, ==, 1);
  g_assert_cmpuint (v[0], ==, 0x9e);
  g_assert_false (ja_rtp_hdrext_find (pkt, 12 + ext + 3, 4, &v, &vlen));
  /* Nothing negotiated: no block; a long MID is cut to 16 bytes. */
  g_assert_cmpuint (ja_rtp_hdrext_write (pkt, sizeof pkt, 0, "a", 0, 0), ==, 0);
  ext = ja_rtp_hdrext_write (pkt + 12, sizeof pkt - 12, 1,
                             "a-very-long-content-name", 0, 0);
  g_assert_cmpuint (ext, ==, 4 + 20);
  ja_rtp_header_write (pkt, FALSE, 0, 1, 2, 3, TRUE);
  g_assert_true (ja_rtp_hdrext_find (pkt, 12 + ext, 1, &v, &vlen));
  g_assert_cmpmem (v, vlen, "a-very-long-cont", 16);
}

static void
test_audio_level (void)
{
  gint16 pcm[960];

  memset (pcm, 0, sizeof pcm);
  g_assert_cmpuint (ja_rtp_audio_level (pcm, 960), ==, 127);
  for (int i = 0; i < 960; i++) /* a full-scale square wave: 0 dBov */
    pcm[i] = i % 2 ? 32767 : -32767;
  g_assert_cmpuint (ja_rtp_audio_level (pcm, 960), ==, 0x80 | 0);
  for (int i = 0; i < 960; i++) /* -20 dBov */
    pcm[i] = i % 2 ? 3277 : -3277;
  g_assert_cmpuint (ja_rtp_audio_level (pcm, 960), ==, 0x80 | 20);
  for (int i = 0; i < 960; i++) /* -60 dBov: no voice */
    pcm[i] = i % 2 ? 33 : -33;
  g_assert_cmpuint (ja_rtp_audio_level (pcm, 960), ==, 60);
}

static void
test_rtcp (void)
{
  guint8 buf[256];
  JaRtcpSenderInfo si = { G_GUINT64_CONSTANT (0x0123456789abcdef), 960, 50,
                          4000 };
  JaRtcpReportBlock b = { 0x11223344, 25, -3, 70000, 12, 0x456789ab, 65536 };
  JaRtcpInfo info;
  gsize len;

  len = ja_rtcp_write_report (buf, sizeof buf, 0xaabbccdd, &si, &b, "cname");
  g_assert_cmpuint (len % 4, ==, 0);
  g_assert_true (ja_rtp_is_rtcp (buf, len));
  g_assert_cmpuint (buf[1], ==, 200);
  g_assert_true (ja_rtcp_parse (buf, len, 0x11223344, &info));
  g_assert_true (info.have_sr);
  g_assert_cmpuint (info.sr_ssrc, ==, 0xaabbccdd);
  g_assert_cmphex (info.sr_ntp_mid, ==, 0x456789ab);
  g_assert_true (info.have_block);
  g_assert_cmpuint (info.block.fraction_lost, ==, 25);
  g_assert_cmpint (info.block.cumulative_lost, ==, -3);
  g_assert_cmpuint (info.block.highest_seq, ==, 70000);
  g_assert_cmpuint (info.block.dlsr, ==, 65536);
  /* A block about someone else is not ours. */
  g_assert_true (ja_rtcp_parse (buf, len, 0x1, &info));
  g_assert_false (info.have_block);
  /* RR without a block; truncation is an error. */
  len = ja_rtcp_write_report (buf, sizeof buf, 0xaabbccdd, NULL, NULL, "x");
  g_assert_cmpuint (buf[1], ==, 201);
  g_assert_true (ja_rtcp_parse (buf, len, 0x11223344, &info));
  g_assert_false (info.have_sr);
  g_assert_false (ja_rtcp_parse (buf, len - 1, 0x11223344, &info));
  g_assert_cmpuint (ja_rtcp_write_report (buf, 20, 1, &si, &b, "c"), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/media/rtp-packet/g711", test_g711);
  g_test_add_func ("/media/rtp-packet/hdrext", test_hdrext);
  g_test_add_func ("/media/rtp-packet/audio-level", test_audio_level);
  g_test_add_func ("/media/rtp-packet/rtcp", test_rtcp);
  return g_test_run ();
}
