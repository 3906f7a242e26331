/* rtp-negotiate.h — the offer/answer of payload types (XEP-0167 §5, RFC
 * 3264 rules): what we offer from the codec list, the intersection the
 * responder answers with (the offer's ids, in the offer's order), and the
 * codec each side sends. Pure functions. */
#pragma once

#include "plugins/rtp/rtp-description.h"
#include "media/codecs.h"

G_BEGIN_DECLS

/* Our offer for media ("audio"/"video"): every codec ja_codecs_list gives,
 * with our ids, parameters and rtcp-fb, rtcp-mux on. (transfer full) */
JaRtpDescription *ja_rtp_negotiate_offer (const char *media);

/* The answer to a remote offer: the payload types both support, with the
 * offer's ids and order (and their parameters where we accept them),
 * telephone-event kept when some audio codec matched. NULL with
 * JA_XMPP_ERROR_NOT_ACCEPTABLE-like error (the caller terminates with
 * failed-application) when nothing matches. (transfer full) */
JaRtpDescription *ja_rtp_negotiate_answer (const JaRtpDescription *offer,
    GError **error);

/* The payload type to send: the first of the peer's list (the answer's
 * order on the initiator; the offer's on the responder) that we support
 * and that is not telephone-event. (transfer none, from d) NULL if none. */
const JaRtpPayloadType *ja_rtp_negotiate_send_codec (const JaRtpDescription *d);
/* The telephone-event payload type in d whose clock rate matches
 * clock_rate (or any, when none matches). (transfer none) nullable. */
const JaRtpPayloadType *ja_rtp_negotiate_dtmf (const JaRtpDescription *d,
    guint clock_rate);

/* XEP-0294 header extensions (RFC 8285 one-byte form, ids 1..14) that we
 * run: the BUNDLE MID (urn:ietf:params:rtp-hdrext:sdes:mid, RFC 8843 §15)
 * on a content of a BUNDLE group, and the RFC 6464 client-to-mixer audio
 * level (urn:ietf:params:rtp-hdrext:ssrc-audio-level) on audio. */

/* Adds ours to an offer: the MID (id 1) when bundle, the audio level
 * (id 2) when d is audio. */
void ja_rtp_negotiate_offer_hdrexts (JaRtpDescription *d, gboolean bundle);
/* Adds to answer the offered extensions we run (the MID only when bundle),
 * each with the offer's id and senders, as XEP-0294 §4 asks; ids we cannot
 * send in the one-byte form (over 14) are skipped, and of two offered
 * under one id (or one URI twice) the first is kept; unknown URIs are
 * left out (never echoed). extmap-allow-mixed is accepted (echoed): we
 * read both header forms. */
void ja_rtp_negotiate_answer_hdrexts (const JaRtpDescription *offer,
    JaRtpDescription *answer, gboolean bundle);
/* The id of uri in the negotiated list neg (the answer) when the party
 * (the initiator, or the responder) may send it by its senders; 0
 * otherwise. */
guint8 ja_rtp_negotiate_hdrext_id (const JaRtpDescription *neg,
    const char *uri, gboolean initiator);

/* Whether an H264 payload type is one we run (RFC 6184 §8.1, §8.2.2):
 * packetization-mode 1 (non-interleaved) and a constrained baseline
 * compatible profile-level-id (profile_idc 0x42, or 0x4d / 0x58 with
 * constraint_set1); the level does not matter (level-asymmetry). */
gboolean ja_rtp_negotiate_h264_compatible (const JaRtpPayloadType *pt);

G_END_DECLS
