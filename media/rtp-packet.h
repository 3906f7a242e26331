/* rtp-packet.h — pure RTP/RTCP building and parsing for the native audio
 * engine (media/audio-native.c): the RFC 3550 §5.1 fixed header, RFC 8285
 * one-byte header extensions (the BUNDLE MID of RFC 8843 and the RFC 6464
 * audio level), RFC 3550 §6.4 sender/receiver reports with an SDES CNAME,
 * and G.711 µ-law/A-law (ITU-T G.711). No I/O, no state: unit-tested and
 * fuzzable on its own (parsing of the fixed header: media/rtp-event.h). */
#pragma once

#include <glib.h>

#include "media/rtp-hdrext.h"

G_BEGIN_DECLS

#define JA_RTP_HEADER_LEN 12
#define JA_RTP_HDREXT_PROFILE_ONE_BYTE 0xBEDE
#define JA_RTP_MID_MAX 16 /* a one-byte element carries 1-16 bytes */

/* Writes the 12-byte fixed header (no CSRCs); `ext`: the X bit. */
void ja_rtp_header_write (guint8 *buf, gboolean marker, guint8 pt, guint16 seq,
                          guint32 ts, guint32 ssrc, gboolean ext);

/* Writes an RFC 8285 one-byte-header extension block (0xBEDE, length, the
 * elements, zero padding to 32 bits) with the MID element when mid_id is
 * 1-14 and `mid` non-empty (truncated to 16 bytes), and the RFC 6464 audio
 * level element (V bit | level in -dBov, 0-127) when level_id is 1-14.
 * Returns the bytes written (a multiple of 4), 0 when no element applies.
 * `cap` ≥ 4 + 2 + 16 + 2 + 3 is always enough. */
gsize ja_rtp_hdrext_write (guint8 *buf, gsize cap, guint8 mid_id,
                           const char *mid, guint8 level_id, guint8 level);

/* Reading an element back: ja_rtp_hdrext_find (media/rtp-hdrext.h). */

/* RFC 6464 level of `n` samples: 0 (full scale) … 127 (-127 dBov and
 * below), with the voice-activity bit (0x80) when louder than -50 dBov. */
guint8 ja_rtp_audio_level (const gint16 *pcm, gsize n);

/* RFC 3550 §6.4.1 report block. */
typedef struct {
  guint32 ssrc;          /* the source reported on */
  guint8 fraction_lost;  /* /256 since the previous report */
  gint32 cumulative_lost; /* 24-bit signed on the wire */
  guint32 highest_seq;   /* extended */
  guint32 jitter;        /* in RTP clock units */
  guint32 lsr, dlsr;     /* last SR (middle 32 bits of its NTP), delay 1/65536 s */
} JaRtcpReportBlock;

typedef struct {
  guint64 ntp;           /* 32.32 fixed point */
  guint32 rtp_ts;
  guint32 packets, octets;
} JaRtcpSenderInfo;

/* Writes a compound packet: an SR (sender != NULL) or an RR, with one
 * report block when block != NULL, then an SDES with the CNAME (≤ 255
 * bytes). Returns its length, or 0 when `cap` is too small. */
gsize ja_rtcp_write_report (guint8 *buf, gsize cap, guint32 ssrc,
                            const JaRtcpSenderInfo *sender,
                            const JaRtcpReportBlock *block, const char *cname);

/* What a peer's compound RTCP packet tells us. */
typedef struct {
  gboolean have_sr;
  guint32 sr_ssrc;
  guint32 sr_ntp_mid;    /* middle 32 bits of the SR's NTP timestamp */
  gboolean have_block;   /* a report block about `our_ssrc` */
  JaRtcpReportBlock block;
  gboolean bye;
} JaRtcpInfo;

/* Walks a compound packet (RFC 3550 §6.1): FALSE when the first part is
 * not a version-2 SR/RR or any length runs past the end; the parts read
 * before an error are kept in `out`. */
gboolean ja_rtcp_parse (const guint8 *data, gsize len, guint32 our_ssrc,
                        JaRtcpInfo *out);

/* G.711 (ITU-T G.711, the segment/quantisation tables of §2-3). */
guint8 ja_g711_ulaw_encode (gint16 pcm);
gint16 ja_g711_ulaw_decode (guint8 code);
guint8 ja_g711_alaw_encode (gint16 pcm);
gint16 ja_g711_alaw_decode (guint8 code);

G_END_DECLS
