/* rtp-hdrext.h — pure reading of RTP header extensions (RFC 8285, as
 * negotiated by XEP-0294) and the BUNDLE demultiplexing choice of RFC 8843
 * §9.2 that uses them. No I/O, no GStreamer: unit-tested and fuzzed on its
 * own (tests/unit/media/test-rtp-hdrext.c, tests/fuzz/fuzz-rtp-hdrext.c). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define JA_RTP_HDREXT_URI_MID "urn:ietf:params:rtp-hdrext:sdes:mid"
#define JA_RTP_HDREXT_URI_AUDIO_LEVEL "urn:ietf:params:rtp-hdrext:ssrc-audio-level"

/* The value of extension element `id` (1..14 in the one-byte form 0xBEDE,
 * 1..255 in the two-byte form 0x100X) of an RTP packet: *value points
 * inside data, *value_len is its length (0 is possible in the two-byte
 * form). FALSE when the packet is not RTP version 2, has no extension
 * block, the block is cut short, or id is not in it. */
gboolean ja_rtp_hdrext_find (const guint8 *data, gsize len, guint id,
    const guint8 **value, gsize *value_len);

/* One content of a bundle, as the demultiplexer sees it. */
typedef struct {
  const char *mid;              /* nullable: the content name */
  guint8 mid_ext_id;            /* the peer sends MID with this id; 0: not */
  const guint8 *pts;            /* 128 flags: the payload types it takes */
  GHashTable *ssrcs;            /* nullable: the peer's SSRCs it takes
                                 * (GUINT_TO_POINTER keys) */
} JaRtpDemuxEntry;

typedef enum {
  JA_RTP_DEMUX_NONE,
  JA_RTP_DEMUX_BY_MID,
  JA_RTP_DEMUX_BY_SSRC,
  JA_RTP_DEMUX_BY_PT,
} JaRtpDemuxBy;

/* RFC 8843 §9.2: which of n entries an RTP packet belongs to, or -1.
 * In order: the MID header extension (when an entry negotiated it; an
 * unknown MID value is -1), then the SSRC known to one entry, then the
 * payload type (the first entry that takes it). *learn_ssrc is set to the packet's SSRC (and *learn is
 * TRUE) when the choice came from the MID and the SSRC should be
 * remembered for that entry; *by (nullable) says which rule chose. RTCP
 * (RFC 5761) and non-RTP are -1: the caller gives those to every entry. */
int ja_rtp_demux_choose (const JaRtpDemuxEntry *entries, guint n,
    const guint8 *data, gsize len, gboolean *learn, guint32 *learn_ssrc,
    JaRtpDemuxBy *by);

G_END_DECLS
