/* bitrate-ctl.c — loss-based target bitrate with a REMB cap, and the RTCP
 * walk that feeds it (see bitrate-ctl.h). */
#include "media/bitrate-ctl.h"

#include <string.h>

#define LOSS_HIGH 0.10
#define LOSS_LOW 0.02
#define GROWTH 1.05
/* More loss than this in one report is an outage (a Wi-Fi blip, a
 * route change), not congestion; clean reports after it climb back to the
 * rate before it this much faster per report. */
#define LOSS_OUTAGE 0.50
#define RECOVERY 1.5

#define RTCP_SR 200
#define RTCP_RR 201
#define RTCP_RTPFB 205
#define RTCP_PSFB 206
#define RTPFB_FMT_NACK 1
#define PSFB_FMT_AFB 15 /* application layer feedback: REMB */
#define REPORT_BLOCK_LEN 24
#define SENDER_INFO_LEN 20

void
ja_bitrate_ctl_init (JaBitrateCtl *ctl, guint max_kbps)
{
  g_return_if_fail (ctl != NULL && max_kbps > 0);

  memset (ctl, 0, sizeof *ctl);
  ctl->max_kbps = max_kbps;
  ctl->floor_kbps = MIN (JA_BITRATE_CTL_FLOOR_KBPS, max_kbps);
  ctl->rate_kbps = max_kbps;
}

guint
ja_bitrate_ctl_get_target (const JaBitrateCtl *ctl)
{
  double rate = ctl->rate_kbps;

  if (ctl->remb_kbps != 0 && rate > ctl->remb_kbps)
    rate = ctl->remb_kbps;
  return (guint)MAX (rate, (double)ctl->floor_kbps);
}

static void
clamp (JaBitrateCtl *ctl)
{
  /* Above the REMB cap the estimate would only grow unseen: keep it at
   * the cap, so that it comes down from there when loss shows. */
  if (ctl->remb_kbps != 0 && ctl->rate_kbps > ctl->remb_kbps)
    ctl->rate_kbps = ctl->remb_kbps;
  ctl->rate_kbps = CLAMP (ctl->rate_kbps, (double)ctl->floor_kbps,
                          (double)ctl->max_kbps);
}

guint
ja_bitrate_ctl_on_report (JaBitrateCtl *ctl, guint8 fraction_lost)
{
  double loss = fraction_lost / 256.0;

  if (loss > LOSS_HIGH) {
    /* An outage keeps what the link carried before it (one cut after
     * another keeps the first rate); congestion forgets it. */
    ctl->recall_kbps = loss > LOSS_OUTAGE
        ? MAX (ctl->recall_kbps, ctl->rate_kbps) : 0;
    ctl->rate_kbps *= 1.0 - 0.5 * loss;
  } else if (loss < LOSS_LOW) {
    if (ctl->rate_kbps * RECOVERY < ctl->recall_kbps) {
      ctl->rate_kbps *= RECOVERY;
    } else {
      ctl->rate_kbps = MAX (ctl->rate_kbps * GROWTH, ctl->recall_kbps);
      ctl->recall_kbps = 0;
    }
  }
  clamp (ctl);
  return ja_bitrate_ctl_get_target (ctl);
}

guint
ja_bitrate_ctl_on_remb (JaBitrateCtl *ctl, guint64 bps)
{
  guint64 kbps = bps / 1000;

  ctl->remb_kbps = (guint)MIN (MAX (kbps, 1), (guint64)G_MAXUINT);
  clamp (ctl);
  return ja_bitrate_ctl_get_target (ctl);
}

static guint32
read32 (const guint8 *p)
{
  return ((guint32)p[0] << 24) | ((guint32)p[1] << 16) | ((guint32)p[2] << 8)
         | p[3];
}

static guint
popcount16 (guint16 v)
{
  guint n = 0;

  for (; v != 0; v &= v - 1)
    n++;
  return n;
}

static void
report_blocks (const guint8 *p, gsize len, guint count, guint32 ssrc,
               JaRtcpFeedback *out)
{
  for (guint i = 0; i < count && (i + 1) * REPORT_BLOCK_LEN <= len; i++) {
    const guint8 *b = p + i * REPORT_BLOCK_LEN;

    if (read32 (b) == ssrc) {
      out->have_report = TRUE;
      out->fraction_lost = b[4];
      out->highest_seq = read32 (b + 8);
      /* 24-bit signed (RFC 3550 §6.4.1). */
      out->cumulative_lost = (gint32)(read32 (b + 4) << 8) >> 8;
    }
  }
}

/* FCI: 'R' 'E' 'M' 'B', num SSRC (8), BR exp (6), BR mantissa (18), SSRC
 * feedback × num. */
static void
remb (const guint8 *fci, gsize len, guint32 ssrc, JaRtcpFeedback *out)
{
  guint n, exp;
  guint64 mantissa, bps;
  gboolean ours = FALSE;

  if (len < 8 || memcmp (fci, "REMB", 4) != 0)
    return;
  n = fci[4];
  exp = fci[5] >> 2;
  mantissa = ((guint64)(fci[5] & 0x03) << 16) | ((guint64)fci[6] << 8)
             | fci[7];
  if (len < 8 + (gsize)n * 4)
    return;
  for (guint i = 0; i < n; i++)
    ours |= read32 (fci + 8 + i * 4) == ssrc;
  if (!ours)
    return;
  /* 18 bits of mantissa shifted by up to 63: saturate. */
  if (mantissa != 0 && exp > 46)
    bps = G_MAXUINT64;
  else
    bps = mantissa << exp;
  out->have_remb = TRUE;
  out->remb_bps = bps;
}

gboolean
ja_rtcp_feedback_parse (const guint8 *data, gsize len, guint32 ssrc,
                        JaRtcpFeedback *out)
{
  gsize off = 0;

  g_return_val_if_fail (out != NULL, FALSE);
  memset (out, 0, sizeof *out);
  while (data != NULL && off + 4 <= len) {
    const guint8 *p = data + off;
    guint count = p[0] & 0x1f;
    gsize plen = ((gsize)((p[2] << 8) | p[3]) + 1) * 4;

    if ((p[0] >> 6) != 2 || plen > len - off)
      break;
    switch (p[1]) {
    case RTCP_SR:
      if (plen >= 8 + SENDER_INFO_LEN)
        report_blocks (p + 8 + SENDER_INFO_LEN, plen - 8 - SENDER_INFO_LEN,
                       count, ssrc, out);
      break;
    case RTCP_RR:
      if (plen >= 8)
        report_blocks (p + 8, plen - 8, count, ssrc, out);
      break;
    case RTCP_RTPFB:
      /* sender SSRC, media SSRC, then 4-byte FCIs. */
      if (count == RTPFB_FMT_NACK && plen >= 12 && read32 (p + 8) == ssrc)
        for (gsize f = 12; f + 4 <= plen; f += 4)
          out->nacked += 1 + popcount16 ((guint16)((p[f + 2] << 8) | p[f + 3]));
      break;
    case RTCP_PSFB:
      if (count == PSFB_FMT_AFB && plen >= 12)
        remb (p + 12, plen - 12, ssrc, out);
      break;
    default:
      break;
    }
    off += plen;
  }
  return out->have_report || out->have_remb || out->nacked > 0;
}
