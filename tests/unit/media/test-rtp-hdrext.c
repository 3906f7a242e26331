/* test-rtp-hdrext.c — media/rtp-hdrext.c: RFC 8285 one-byte and two-byte
 * header extensions (padding, the ID-15 stop, truncation, CSRCs before the
 * block) and the RFC 8843 §9.2 BUNDLE demultiplexing choice (MID, then a
 * known SSRC, then the payload type). */
#include "media/rtp-hdrext.h"

#include <string.h>

/* An RTP packet: pt, ssrc, n_csrc CSRCs, then the extension block
 * (profile, elements padded to whole words), then 4 payload bytes.
 * (transfer full) */
static GByteArray *
packet (guint8 pt, guint32 ssrc, guint n_csrc, guint16 profile,
    const guint8 *elems, gsize n_elems)
{
  GByteArray *p = g_byte_array_new ();
  guint8 h[12] = { (guint8) (0x80 | (n_elems > 0 || profile ? 0x10 : 0)
        | n_csrc), pt, 0, 1, 0, 0, 0, 160, (guint8) (ssrc >> 24),
    (guint8) (ssrc >> 16), (guint8) (ssrc >> 8), (guint8) ssrc };
  static const guint8 zero[4] = { 0 };
  static const guint8 payload[4] = { 0xfc, 0xff, 0xfe, 0x01 };
  gsize words = (n_elems + 3) / 4;

  g_byte_array_append (p, h, 12);
  for (guint i = 0; i < n_csrc; i++)
    g_byte_array_append (p, (const guint8 *) "\x11\x22\x33\x44", 4);
  if (h[0] & 0x10) {
    guint8 eh[4] = { (guint8) (profile >> 8), (guint8) profile,
      (guint8) (words >> 8), (guint8) words };

    g_byte_array_append (p, eh, 4);
    g_byte_array_append (p, elems, (guint) n_elems);
    g_byte_array_append (p, zero, (guint) (words * 4 - n_elems));
  }
  g_byte_array_append (p, payload, 4);
  return p;
}

static void
test_one_byte (void)
{
  /* padding byte, id 1 = "audio" (L=4), id 3 = audio level 0x85 (L=0). */
  static const guint8 e[] = { 0x00, 0x14, 'a', 'u', 'd', 'i', 'o', 0x30,
    0x85 };
  g_autoptr (GByteArray) p = packet (111, 0x1234, 2, 0xBEDE, e, sizeof e);
  const guint8 *v;
  gsize n;

  g_assert_true (ja_rtp_hdrext_find (p->data, p->len, 1, &v, &n));
  g_assert_cmpmem (v, n, "audio", 5);
  g_assert_true (ja_rtp_hdrext_find (p->data, p->len, 3, &v, &n));
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpuint (v[0], ==, 0x85);
  g_assert_false (ja_rtp_hdrext_find (p->data, p->len, 2, &v, &n));
  g_assert_false (ja_rtp_hdrext_find (p->data, p->len, 0, &v, &n));
  g_assert_false (ja_rtp_hdrext_find (p->data, p->len, 15, &v, &n));
  /* Cut inside the block: nothing is read past the end. */
  for (gsize cut = 0; cut < 12 + 8 + 4 + 12; cut++)
    g_assert_false (ja_rtp_hdrext_find (p->data, cut, 3, &v, &n));
}

static void
test_one_byte_stop_and_overrun (void)
{
  /* ID 15 stops processing: id 2 after it is not seen. */
  static const guint8 stop[] = { 0xF0, 0x20, 0x42 };
  /* An element whose length runs past the block. */
  static const guint8 over[] = { 0x1F, 'x', 'y' };
  g_autoptr (GByteArray) a = packet (96, 1, 0, 0xBEDE, stop, sizeof stop);
  g_autoptr (GByteArray) b = packet (96, 1, 0, 0xBEDE, over, sizeof over);
  const guint8 *v;
  gsize n;

  g_assert_false (ja_rtp_hdrext_find (a->data, a->len, 2, &v, &n));
  g_assert_false (ja_rtp_hdrext_find (b->data, b->len, 1, &v, &n));
}

static void
test_two_byte (void)
{
  /* Two-byte form (0x1000 | appbits): id 1 "video", padding, id 20 empty,
   * id 200 one byte. */
  static const guint8 e[] = { 1, 5, 'v', 'i', 'd', 'e', 'o', 0, 20, 0, 200,
    1, 0x7f };
  g_autoptr (GByteArray) p = packet (96, 9, 0, 0x1003, e, sizeof e);
  g_autoptr (GByteArray) none = packet (96, 9, 0, 0, NULL, 0);
  const guint8 *v;
  gsize n;

  g_assert_true (ja_rtp_hdrext_find (p->data, p->len, 1, &v, &n));
  g_assert_cmpmem (v, n, "video", 5);
  g_assert_true (ja_rtp_hdrext_find (p->data, p->len, 20, &v, &n));
  g_assert_cmpuint (n, ==, 0);
  g_assert_true (ja_rtp_hdrext_find (p->data, p->len, 200, &v, &n));
  g_assert_cmpuint (v[0], ==, 0x7f);
  g_assert_false (ja_rtp_hdrext_find (p->data, p->len, 256, &v, &n));
  /* An unknown profile, and no extension at all. */
  p->data[12] = 0x12;
  g_assert_false (ja_rtp_hdrext_find (p->data, p->len, 1, &v, &n));
  g_assert_false (ja_rtp_hdrext_find (none->data, none->len, 1, &v, &n));
}

/* Two contents with the same payload type (96): only the MID tells them
 * apart; the SSRC it arrived with is learnt, and then routes packets that
 * carry no MID. */
static void
test_demux_mid_then_ssrc (void)
{
  static const guint8 e_audio[] = { 0x24, 'a', 'u', 'd', 'i', 'o' };
  static const guint8 e_video[] = { 0x24, 'v', 'i', 'd', 'e', 'o' };
  static const guint8 e_other[] = { 0x24, 'o', 't', 'h', 'e', 'r' };
  guint8 pts[128] = { 0 };
  g_autoptr (GHashTable) a_ssrcs = g_hash_table_new (NULL, NULL);
  g_autoptr (GHashTable) v_ssrcs = g_hash_table_new (NULL, NULL);
  JaRtpDemuxEntry entries[2] = {
    { "audio", 2, pts, a_ssrcs }, { "video", 2, pts, v_ssrcs } };
  g_autoptr (GByteArray) pa = packet (96, 0xA, 0, 0xBEDE, e_audio,
      sizeof e_audio);
  g_autoptr (GByteArray) pv = packet (96, 0xB, 1, 0xBEDE, e_video,
      sizeof e_video);
  g_autoptr (GByteArray) po = packet (96, 0xC, 0, 0xBEDE, e_other,
      sizeof e_other);
  g_autoptr (GByteArray) plain_v = packet (96, 0xB, 0, 0, NULL, 0);
  g_autoptr (GByteArray) plain_new = packet (96, 0xD, 0, 0, NULL, 0);
  static const guint8 rtcp[] = { 0x80, 200, 0, 6, 0, 0, 0, 0xB, 0, 0, 0, 0 };
  gboolean learn;
  guint32 ssrc;
  JaRtpDemuxBy by;

  pts[96] = 1;
  g_assert_cmpint (ja_rtp_demux_choose (entries, 2, pa->data, pa->len,
          &learn, &ssrc, &by), ==, 0);
  g_assert_true (learn);
  g_assert_cmphex (ssrc, ==, 0xA);
  g_hash_table_add (a_ssrcs, GUINT_TO_POINTER (ssrc));
  g_assert_cmpint (ja_rtp_demux_choose (entries, 2, pa->data, pa->len,
          &learn, &ssrc, &by), ==, 0);
  g_assert_false (learn);      /* known already */
  g_assert_cmpint (by, ==, JA_RTP_DEMUX_BY_MID);
  g_assert_cmpint (ja_rtp_demux_choose (entries, 2, pv->data, pv->len,
          &learn, &ssrc, &by), ==, 1);
  g_assert_true (learn);
  g_assert_cmphex (ssrc, ==, 0xB);
  g_hash_table_add (v_ssrcs, GUINT_TO_POINTER (ssrc));
  /* Without a MID: the learnt SSRC routes it, not the shared pt. */
  g_assert_cmpint (ja_rtp_demux_choose (entries, 2, plain_v->data,
          plain_v->len, &learn, &ssrc, &by), ==, 1);
  g_assert_false (learn);
  g_assert_cmpint (by, ==, JA_RTP_DEMUX_BY_SSRC);
  /* An unknown SSRC without MID: the pt (the first content taking it). */
  g_assert_cmpint (ja_rtp_demux_choose (entries, 2, plain_new->data,
          plain_new->len, &learn, &ssrc, &by), ==, 0);
  g_assert_cmpint (by, ==, JA_RTP_DEMUX_BY_PT);
  /* A MID that is none of ours is dropped, whatever its pt. */
  g_assert_cmpint (ja_rtp_demux_choose (entries, 2, po->data, po->len,
          &learn, &ssrc, &by), ==, -1);
  /* RTCP and garbage are for the caller to give to all. */
  g_assert_cmpint (ja_rtp_demux_choose (entries, 2, rtcp, sizeof rtcp,
          &learn, &ssrc, &by), ==, -1);
  g_assert_cmpint (ja_rtp_demux_choose (entries, 2, rtcp, 3, &learn, &ssrc,
          &by), ==, -1);
  g_assert_cmpint (by, ==, JA_RTP_DEMUX_NONE);
}

/* Without a negotiated MID id the extension is not read: signalled SSRCs
 * (XEP-0339), then payload types. */
static void
test_demux_without_mid (void)
{
  static const guint8 e_video[] = { 0x24, 'v', 'i', 'd', 'e', 'o' };
  guint8 a_pts[128] = { 0 }, v_pts[128] = { 0 };
  g_autoptr (GHashTable) v_ssrcs = g_hash_table_new (NULL, NULL);
  JaRtpDemuxEntry entries[2] = {
    { "audio", 0, a_pts, NULL }, { "video", 0, v_pts, v_ssrcs } };
  g_autoptr (GByteArray) p111 = packet (111, 1, 0, 0xBEDE, e_video,
      sizeof e_video);
  g_autoptr (GByteArray) p96 = packet (96, 2, 0, 0, NULL, 0);
  g_autoptr (GByteArray) p111_v = packet (111, 77, 0, 0, NULL, 0);
  g_autoptr (GByteArray) p0 = packet (0, 3, 0, 0, NULL, 0);
  gboolean learn;
  guint32 ssrc;
  JaRtpDemuxBy by;

  a_pts[111] = 1;
  v_pts[96] = 1;
  g_hash_table_add (v_ssrcs, GUINT_TO_POINTER (77));
  g_assert_cmpint (ja_rtp_demux_choose (entries, 2, p111->data, p111->len,
          &learn, &ssrc, &by), ==, 0);
  g_assert_false (learn);
  g_assert_cmpint (by, ==, JA_RTP_DEMUX_BY_PT);  /* the MID is not read */
  g_assert_cmpint (ja_rtp_demux_choose (entries, 2, p96->data, p96->len,
          &learn, &ssrc, &by), ==, 1);
  g_assert_cmpint (ja_rtp_demux_choose (entries, 2, p111_v->data,
          p111_v->len, &learn, &ssrc, &by), ==, 1);
  g_assert_cmpint (by, ==, JA_RTP_DEMUX_BY_SSRC);
  g_assert_cmpint (ja_rtp_demux_choose (entries, 2, p0->data, p0->len,
          &learn, &ssrc, &by), ==, -1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/media/rtp-hdrext/one-byte", test_one_byte);
  g_test_add_func ("/media/rtp-hdrext/one-byte-stop-overrun",
      test_one_byte_stop_and_overrun);
  g_test_add_func ("/media/rtp-hdrext/two-byte", test_two_byte);
  g_test_add_func ("/media/rtp-hdrext/demux-mid-then-ssrc",
      test_demux_mid_then_ssrc);
  g_test_add_func ("/media/rtp-hdrext/demux-without-mid",
      test_demux_without_mid);
  return g_test_run ();
}
