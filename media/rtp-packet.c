/* rtp-packet.c — see rtp-packet.h (RFC 3550 §5.1 and §6.4, RFC 8285 §4.2,
 * RFC 6464 §3, ITU-T G.711). */
#include "media/rtp-packet.h"

#include <math.h>
#include <string.h>

static void
put16 (guint8 *p, guint16 v)
{
  p[0] = v >> 8;
  p[1] = v & 0xff;
}

static void
put32 (guint8 *p, guint32 v)
{
  p[0] = v >> 24;
  p[1] = (v >> 16) & 0xff;
  p[2] = (v >> 8) & 0xff;
  p[3] = v & 0xff;
}

static guint32
get32 (const guint8 *p)
{
  return (guint32)p[0] << 24 | (guint32)p[1] << 16 | (guint32)p[2] << 8 | p[3];
}

void
ja_rtp_header_write (guint8 *buf, gboolean marker, guint8 pt, guint16 seq,
                     guint32 ts, guint32 ssrc, gboolean ext)
{
  buf[0] = 0x80 | (ext ? 0x10 : 0);
  buf[1] = (marker ? 0x80 : 0) | (pt & 0x7f);
  put16 (buf + 2, seq);
  put32 (buf + 4, ts);
  put32 (buf + 8, ssrc);
}

gsize
ja_rtp_hdrext_write (guint8 *buf, gsize cap, guint8 mid_id, const char *mid,
                     guint8 level_id, guint8 level)
{
  gsize off = 4, mid_len = mid != NULL ? strlen (mid) : 0;
  gboolean with_mid = mid_id >= 1 && mid_id <= 14 && mid_len > 0;
  gboolean with_level = level_id >= 1 && level_id <= 14;

  if (!with_mid && !with_level)
    return 0;
  mid_len = MIN (mid_len, JA_RTP_MID_MAX);
  if (cap < 4 + 1 + JA_RTP_MID_MAX + 2 + 3)
    return 0;
  if (with_mid) {
    buf[off++] = (guint8)(mid_id << 4 | (mid_len - 1));
    memcpy (buf + off, mid, mid_len);
    off += mid_len;
  }
  if (with_level) {
    buf[off++] = (guint8)(level_id << 4); /* L = 0: one byte */
    buf[off++] = level;
  }
  while (off % 4 != 0)
    buf[off++] = 0; /* padding elements */
  put16 (buf, JA_RTP_HDREXT_PROFILE_ONE_BYTE);
  put16 (buf + 2, (guint16)((off - 4) / 4));
  return off;
}

guint8
ja_rtp_audio_level (const gint16 *pcm, gsize n)
{
  double sum = 0, rms, dbov;
  int level;

  for (gsize i = 0; i < n; i++)
    sum += (double)pcm[i] * pcm[i];
  rms = n > 0 ? sqrt (sum / n) / 32768.0 : 0;
  dbov = rms > 0 ? 20 * log10 (rms) : -127;
  level = (int)lround (-dbov);
  level = CLAMP (level, 0, 127);
  return (guint8)level | (level < 50 ? 0x80 : 0);
}

/* --- RTCP ----------------------------------------------------------------- */

static void
write_block (guint8 *p, const JaRtcpReportBlock *b)
{
  gint32 lost = CLAMP (b->cumulative_lost, -0x800000, 0x7fffff);

  put32 (p, b->ssrc);
  put32 (p + 4, (guint32)b->fraction_lost << 24 | ((guint32)lost & 0xffffff));
  put32 (p + 8, b->highest_seq);
  put32 (p + 12, b->jitter);
  put32 (p + 16, b->lsr);
  put32 (p + 20, b->dlsr);
}

gsize
ja_rtcp_write_report (guint8 *buf, gsize cap, guint32 ssrc,
                      const JaRtcpSenderInfo *sender,
                      const JaRtcpReportBlock *block, const char *cname)
{
  gsize cname_len = MIN (strlen (cname), 255);
  gsize report = 8 + (sender ? 20 : 0) + (block ? 24 : 0);
  /* SDES: header, SSRC, CNAME item (2 + len), END, padded to 32 bits. */
  gsize sdes = (4 + 4 + 2 + cname_len + 1 + 3) / 4 * 4;
  guint8 *p = buf;

  if (cap < report + sdes)
    return 0;
  p[0] = 0x80 | (block ? 1 : 0);
  p[1] = sender ? 200 : 201;
  put16 (p + 2, (guint16)(report / 4 - 1));
  put32 (p + 4, ssrc);
  p += 8;
  if (sender) {
    put32 (p, (guint32)(sender->ntp >> 32));
    put32 (p + 4, (guint32)sender->ntp);
    put32 (p + 8, sender->rtp_ts);
    put32 (p + 12, sender->packets);
    put32 (p + 16, sender->octets);
    p += 20;
  }
  if (block) {
    write_block (p, block);
    p += 24;
  }
  memset (p, 0, sdes);
  p[0] = 0x81;
  p[1] = 202;
  put16 (p + 2, (guint16)(sdes / 4 - 1));
  put32 (p + 4, ssrc);
  p[8] = 1; /* CNAME */
  p[9] = (guint8)cname_len;
  memcpy (p + 10, cname, cname_len);
  return report + sdes;
}

static void
read_blocks (const guint8 *p, guint count, gsize avail, guint32 our_ssrc,
             JaRtcpInfo *out)
{
  for (guint i = 0; i < count && avail >= 24; i++, p += 24, avail -= 24) {
    guint32 word = get32 (p + 4);
    gint32 lost = (gint32)(word & 0xffffff);

    if (get32 (p) != our_ssrc)
      continue;
    if (lost & 0x800000)
      lost -= 0x1000000; /* sign-extend the 24-bit field */
    out->have_block = TRUE;
    out->block.ssrc = our_ssrc;
    out->block.fraction_lost = word >> 24;
    out->block.cumulative_lost = lost;
    out->block.highest_seq = get32 (p + 8);
    out->block.jitter = get32 (p + 12);
    out->block.lsr = get32 (p + 16);
    out->block.dlsr = get32 (p + 20);
  }
}

gboolean
ja_rtcp_parse (const guint8 *data, gsize len, guint32 our_ssrc,
               JaRtcpInfo *out)
{
  gsize off = 0;

  memset (out, 0, sizeof *out);
  if (len < 8 || (data[0] >> 6) != 2 || (data[1] != 200 && data[1] != 201))
    return FALSE;
  while (off + 4 <= len) {
    const guint8 *p = data + off;
    gsize plen = 4 * ((gsize)(p[2] << 8 | p[3]) + 1);
    guint count = p[0] & 0x1f;

    if ((p[0] >> 6) != 2 || off + plen > len)
      return FALSE;
    if (p[1] == 200 && plen >= 28) {
      out->have_sr = TRUE;
      out->sr_ssrc = get32 (p + 4);
      out->sr_ntp_mid = get32 (p + 10);
      read_blocks (p + 28, count, plen - 28, our_ssrc, out);
    } else if (p[1] == 201 && plen >= 8) {
      read_blocks (p + 8, count, plen - 8, our_ssrc, out);
    } else if (p[1] == 203) {
      out->bye = TRUE;
    }
    off += plen;
  }
  return off == len;
}

/* --- G.711 ---------------------------------------------------------------- */

#define ULAW_BIAS 0x84
#define ULAW_CLIP 32635

guint8
ja_g711_ulaw_encode (gint16 pcm)
{
  int sign = pcm < 0 ? 0x80 : 0;
  int mag = pcm < 0 ? -(int)pcm : pcm;
  int exponent = 7;

  mag = MIN (mag, ULAW_CLIP) + ULAW_BIAS;
  /* The segment is the position of the highest set bit above bit 7. */
  while (exponent > 0 && !(mag & (0x80 << exponent)))
    exponent--;
  return (guint8) ~(sign | exponent << 4 | ((mag >> (exponent + 3)) & 0x0f));
}

gint16
ja_g711_ulaw_decode (guint8 code)
{
  int u = (guint8)~code;
  int exponent = (u >> 4) & 7;
  int mag = (((u & 0x0f) << 3) + ULAW_BIAS) << exponent;

  mag -= ULAW_BIAS;
  return (gint16)((u & 0x80) ? -mag : mag);
}

guint8
ja_g711_alaw_encode (gint16 pcm)
{
  /* A-law works on 13-bit magnitudes; the sign bit is set for ≥ 0. */
  int sign = pcm >= 0 ? 0x80 : 0;
  int mag = (pcm >= 0 ? pcm : -((int)pcm + 1)) >> 3;
  int seg = 0, code;

  if (mag < 32) {
    code = mag >> 1;
  } else {
    for (seg = 1; seg < 7 && mag >= (32 << seg); seg++)
      ;
    code = seg << 4 | ((mag >> seg) & 0x0f);
  }
  return (guint8)((code | sign) ^ 0x55);
}

gint16
ja_g711_alaw_decode (guint8 code)
{
  int a = code ^ 0x55;
  int seg = (a >> 4) & 7, mant = a & 0x0f, mag;

  if (seg == 0)
    mag = mant << 1 | 1;
  else
    mag = ((mant | 0x10) << 1 | 1) << (seg - 1);
  mag <<= 3;
  return (gint16)((a & 0x80) ? mag : -mag);
}
