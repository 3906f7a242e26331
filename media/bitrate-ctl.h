/* bitrate-ctl.h — the video sender's target bitrate from RTCP feedback.
 * Loss-based control from the receiver reports (RFC 3550 §6.4.1 fraction
 * lost): above 10 % loss the rate drops to rate × (1 − 0.5 × loss), below
 * 2 % it grows by 5 % per report, in between it holds; always between a
 * floor and the configured maximum. A report of over 50 % loss is an
 * outage rather than congestion: the rate before it is kept, and the clean
 * reports after it climb back to it by 50 % a report (then 5 % again);
 * loss between 10 and 50 % forgets it. A REMB from the receiver
 * (draft-alvestrand-rmcat-remb-03, PSFB FMT 15 "REMB") caps it. Plus the
 * pure walk over a compound RTCP packet that finds both for our SSRC. No
 * I/O, no GStreamer: unit-tested and fuzzed. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define JA_BITRATE_CTL_FLOOR_KBPS 100

typedef struct {
  double rate_kbps;  /* the loss-based estimate */
  double recall_kbps; /* the rate before an outage, 0 = none */
  guint floor_kbps, max_kbps;
  guint remb_kbps;   /* the receiver's last REMB, 0 = none */
} JaBitrateCtl;

/* Starts at max_kbps; floor = min(JA_BITRATE_CTL_FLOOR_KBPS, max). */
void ja_bitrate_ctl_init (JaBitrateCtl *ctl, guint max_kbps);
/* One receiver report block about our stream (fraction lost: 0..255 of
 * 256). Returns the new target. */
guint ja_bitrate_ctl_on_report (JaBitrateCtl *ctl, guint8 fraction_lost);
/* A REMB for our stream, in bit/s. Returns the new target. */
guint ja_bitrate_ctl_on_remb (JaBitrateCtl *ctl, guint64 bps);
/* What the encoder should aim at, kbit/s: the estimate, under the REMB
 * cap, never under the floor. */
guint ja_bitrate_ctl_get_target (const JaBitrateCtl *ctl);

/* What one compound RTCP packet says about the media SSRC `ssrc`. */
typedef struct {
  gboolean have_report;
  guint8 fraction_lost;   /* of the last report block about ssrc */
  guint32 highest_seq;    /* its extended highest sequence number */
  gint32 cumulative_lost; /* its cumulative number of packets lost */
  gboolean have_remb;
  guint64 remb_bps;       /* saturates at G_MAXUINT64 */
  guint nacked;           /* packets of ssrc named by generic NACKs */
} JaRtcpFeedback;

/* Walks the compound packet (RFC 3550 §6.1): SR/RR report blocks about
 * ssrc, PSFB REMB whose SSRC list names ssrc, RTPFB generic NACKs (RFC
 * 4585 §6.2.1: PID + BLP, 1 to 17 packets each) about ssrc. FALSE
 * (nothing found) on anything malformed from there on; what came before
 * still counts. */
gboolean ja_rtcp_feedback_parse (const guint8 *data, gsize len, guint32 ssrc,
                                 JaRtcpFeedback *out);

G_END_DECLS
