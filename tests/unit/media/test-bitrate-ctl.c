/* test-bitrate-ctl.c — the video sender's rate rule (media/bitrate-ctl.c)
 * on hand-made numbers, and the RTCP walk on hand-made compound packets:
 * SR/RR report blocks for our SSRC and others, REMB for us or not, generic
 * NACKs, truncated and hostile lengths. */
#include <string.h>

#include "media/bitrate-ctl.h"

#define SSRC 0x11223344u

static void
test_rule (void)
{
  JaBitrateCtl c;

  ja_bitrate_ctl_init (&c, 1000);
  g_assert_cmpuint (ja_bitrate_ctl_get_target (&c), ==, 1000);
  /* < 2 % loss grows 5 % a report, but never past the configured rate. */
  g_assert_cmpuint (ja_bitrate_ctl_on_report (&c, 0), ==, 1000);
  /* 25 % (64/256): × (1 − 0.125). */
  g_assert_cmpuint (ja_bitrate_ctl_on_report (&c, 64), ==, 875);
  /* 2–10 % holds (5 % = 13/256). */
  g_assert_cmpuint (ja_bitrate_ctl_on_report (&c, 13), ==, 875);
  /* exactly 10 % (25.6/256 → 25 is 9.8 %): holds; 26 (10.2 %) drops. */
  g_assert_cmpuint (ja_bitrate_ctl_on_report (&c, 25), ==, 875);
  g_assert_cmpuint (ja_bitrate_ctl_on_report (&c, 26), ==, 830);
  /* Recovery: 1 % loss, × 1.05. */
  g_assert_cmpuint (ja_bitrate_ctl_on_report (&c, 2), ==, 872);
  /* 100 % loss over and over: down to the floor, not below. */
  for (guint i = 0; i < 50; i++)
    ja_bitrate_ctl_on_report (&c, 255);
  g_assert_cmpuint (ja_bitrate_ctl_get_target (&c), ==,
                    JA_BITRATE_CTL_FLOOR_KBPS);
  /* Back up to the maximum, not past it. */
  for (guint i = 0; i < 100; i++)
    ja_bitrate_ctl_on_report (&c, 0);
  g_assert_cmpuint (ja_bitrate_ctl_get_target (&c), ==, 1000);

  /* A configured rate under the floor is its own floor. */
  ja_bitrate_ctl_init (&c, 50);
  g_assert_cmpuint (ja_bitrate_ctl_on_report (&c, 255), ==, 50);
}

/* An outage (over 50 % loss in a report) is not congestion: after it the
 * rate climbs back to where it was by 50 % a report; congestion in between
 * forgets that rate. */
static void
test_outage (void)
{
  JaBitrateCtl c;

  ja_bitrate_ctl_init (&c, 400);
  /* 100 % (255/256) twice: 400 → 200.8 → 100.8. */
  ja_bitrate_ctl_on_report (&c, 255);
  g_assert_cmpuint (ja_bitrate_ctl_on_report (&c, 255), ==, 100);
  /* Clean again: × 1.5 a report up to 400, not past it, then 5 %. */
  g_assert_cmpuint (ja_bitrate_ctl_on_report (&c, 0), ==, 151);
  g_assert_cmpuint (ja_bitrate_ctl_on_report (&c, 0), ==, 226);
  g_assert_cmpuint (ja_bitrate_ctl_on_report (&c, 0), ==, 340);
  g_assert_cmpuint (ja_bitrate_ctl_on_report (&c, 0), ==, 400);
  g_assert_cmpuint (ja_bitrate_ctl_on_report (&c, 0), ==, 400);
  /* Light loss (5 %) during the climb holds it, the climb resumes. */
  ja_bitrate_ctl_on_report (&c, 255);                  /* 400 → 200 */
  g_assert_cmpuint (ja_bitrate_ctl_on_report (&c, 13), ==, 200);
  g_assert_cmpuint (ja_bitrate_ctl_on_report (&c, 0), ==, 301);
  /* Congestion (25 %) forgets the rate before: 5 % a report from here. */
  g_assert_cmpuint (ja_bitrate_ctl_on_report (&c, 64), ==, 263);
  g_assert_cmpuint (ja_bitrate_ctl_on_report (&c, 0), ==, 276);
  g_assert_cmpuint (ja_bitrate_ctl_on_report (&c, 0), ==, 290);
}

static void
test_remb (void)
{
  JaBitrateCtl c;

  ja_bitrate_ctl_init (&c, 1000);
  /* A REMB caps; growth stays under it. */
  g_assert_cmpuint (ja_bitrate_ctl_on_remb (&c, 600000), ==, 600);
  g_assert_cmpuint (ja_bitrate_ctl_on_report (&c, 0), ==, 600);
  /* Loss still lowers under the cap. */
  g_assert_cmpuint (ja_bitrate_ctl_on_report (&c, 128), ==, 450);
  /* A higher REMB lifts the cap; growth resumes from the estimate. */
  g_assert_cmpuint (ja_bitrate_ctl_on_remb (&c, 5000000), ==, 450);
  g_assert_cmpuint (ja_bitrate_ctl_on_report (&c, 0), ==, 472);
  /* A REMB under the floor: the floor. */
  g_assert_cmpuint (ja_bitrate_ctl_on_remb (&c, 1000), ==,
                    JA_BITRATE_CTL_FLOOR_KBPS);
  /* The estimate followed the cap down; an absurdly high REMB lifts the
   * cap, and the estimate grows back from there. */
  g_assert_cmpuint (ja_bitrate_ctl_on_remb (&c, G_MAXUINT64), ==,
                    JA_BITRATE_CTL_FLOOR_KBPS);
  g_assert_cmpuint (ja_bitrate_ctl_on_report (&c, 0), ==, 105);
}

static void
put32 (guint8 *p, guint32 v)
{
  p[0] = v >> 24;
  p[1] = v >> 16;
  p[2] = v >> 8;
  p[3] = v;
}

/* An RR from 0xaaaa with one block about `about`. 32 bytes. */
static gsize
rr (guint8 *p, guint32 about, guint8 fraction, guint32 seq)
{
  memset (p, 0, 32);
  p[0] = 0x81;
  p[1] = 201;
  p[3] = 7;
  put32 (p + 4, 0xaaaa);
  put32 (p + 8, about);
  p[12] = fraction;
  p[15] = 4; /* cumulative lost */
  put32 (p + 16, seq);
  return 32;
}

/* A REMB of mantissa << exp for `about`. 24 bytes. */
static gsize
remb (guint8 *p, guint32 about, guint32 mantissa, guint exp)
{
  memset (p, 0, 24);
  p[0] = 0x8f;
  p[1] = 206;
  p[3] = 5;
  put32 (p + 4, 0xaaaa);
  memcpy (p + 12, "REMB", 4);
  p[16] = 1;
  p[17] = (guint8)((exp << 2) | (mantissa >> 16));
  p[18] = mantissa >> 8;
  p[19] = mantissa;
  put32 (p + 20, about);
  return 24;
}

static void
test_parse (void)
{
  guint8 buf[256];
  JaRtcpFeedback fb;
  gsize n = 0;

  /* SR (with sender info, no blocks) + RR about someone else + RR about
   * us + REMB 300 kbit/s (75000 << 2) + NACK of 1 + 2 packets. */
  memset (buf, 0, sizeof buf);
  buf[0] = 0x80;
  buf[1] = 200;
  buf[3] = 6;
  n = 28;
  n += rr (buf + n, 0x99, 200, 5);
  n += rr (buf + n, SSRC, 51, 1234);
  n += remb (buf + n, SSRC, 75000, 2);
  buf[n] = 0x81;
  buf[n + 1] = 205;
  buf[n + 3] = 3;
  put32 (buf + n + 4, 0xaaaa);
  put32 (buf + n + 8, SSRC);
  buf[n + 12] = 0x00;
  buf[n + 13] = 0x10;
  buf[n + 14] = 0x00;
  buf[n + 15] = 0x05; /* BLP: 2 more */
  n += 16;
  g_assert_true (ja_rtcp_feedback_parse (buf, n, SSRC, &fb));
  g_assert_true (fb.have_report);
  g_assert_cmpuint (fb.fraction_lost, ==, 51);
  g_assert_cmpuint (fb.highest_seq, ==, 1234);
  g_assert_cmpint (fb.cumulative_lost, ==, 4);
  g_assert_true (fb.have_remb);
  g_assert_cmpuint (fb.remb_bps, ==, 300000);
  g_assert_cmpuint (fb.nacked, ==, 3);

  /* Nothing about us. */
  g_assert_false (ja_rtcp_feedback_parse (buf, n, 0x5555, &fb));
  /* Truncated anywhere: what came whole before still counts, never a
   * read past the end (ASan). */
  for (gsize cut = 0; cut < n; cut++) {
    g_autofree guint8 *copy = g_memdup2 (buf, cut);

    ja_rtcp_feedback_parse (copy, cut, SSRC, &fb);
    if (cut < 28 + 64)
      g_assert_false (fb.have_report);
  }
  /* A length field past the end stops the walk. */
  buf[3] = 0xff;
  g_assert_false (ja_rtcp_feedback_parse (buf, n, SSRC, &fb));
  /* Not version 2. */
  buf[3] = 6;
  buf[0] = 0x40;
  g_assert_false (ja_rtcp_feedback_parse (buf, n, SSRC, &fb));
  /* A REMB with a huge exponent saturates; one for another SSRC is not
   * ours; RR claiming more blocks than it holds reads only what is
   * there. */
  n = remb (buf, SSRC, 0x3ffff, 63);
  g_assert_true (ja_rtcp_feedback_parse (buf, n, SSRC, &fb));
  g_assert_cmpuint (fb.remb_bps, ==, G_MAXUINT64);
  n = remb (buf, 0x77, 1000, 0);
  g_assert_false (ja_rtcp_feedback_parse (buf, n, SSRC, &fb));
  n = rr (buf, SSRC, 9, 1);
  buf[0] = 0x9f; /* 31 blocks claimed, 1 there */
  g_assert_true (ja_rtcp_feedback_parse (buf, n, SSRC, &fb));
  g_assert_cmpuint (fb.fraction_lost, ==, 9);
  g_assert_false (ja_rtcp_feedback_parse (NULL, 0, SSRC, &fb));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/media/bitrate-ctl/rule", test_rule);
  g_test_add_func ("/media/bitrate-ctl/outage", test_outage);
  g_test_add_func ("/media/bitrate-ctl/remb", test_remb);
  g_test_add_func ("/media/bitrate-ctl/parse", test_parse);
  return g_test_run ();
}
