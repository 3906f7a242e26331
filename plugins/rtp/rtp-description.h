/* rtp-description.h — XEP-0167 <description xmlns='urn:xmpp:jingle:apps:rtp:1'>
 * as plain data, pure parse/build (no I/O, no state), with what the WebRTC
 * peers put inside it: XEP-0293 rtcp-fb, XEP-0294 rtp-hdrext, XEP-0339
 * sources and ssrc groups, <rtcp-mux/>, <rtcp-reduced-size/>, bandwidth.
 * Parsing is lenient where deployed peers are (parameter without value,
 * missing channels, unknown children ignored, malformed header
 * extensions dropped) and strict where the spec says MUST (payload-type id
 * 0..127, ssrc 32-bit, media present). */
#pragma once

#include <glib.h>
#include "signalling/xml/xml-node.h"

G_BEGIN_DECLS

typedef struct {
  char *name;
  char *value;                  /* nullable: <parameter name=…/> without value */
} JaRtpParam;

typedef struct {
  char *type;                   /* "nack", "ccm", "goog-remb", "transport-cc" */
  char *subtype;                /* nullable: "pli", "fir" */
} JaRtpFeedback;

typedef struct {
  guint8 id;                    /* 0..127 */
  char *name;                   /* nullable for static ids (0 = PCMU, 8 = PCMA) */
  guint clockrate;              /* 0 when absent */
  guint channels;               /* 1 when absent (XEP-0167 default) */
  guint ptime, maxptime;        /* 0 when absent */
  GPtrArray *params;            /* of JaRtpParam */
  GPtrArray *feedback;          /* of JaRtpFeedback (rtcp-fb in the payload-type) */
} JaRtpPayloadType;

typedef struct {
  guint id;                     /* XEP-0294: 1..256 or 4096..4351 */
  char *uri;
  char *senders;                /* nullable */
} JaRtpHdrext;

typedef struct {
  guint32 ssrc;
  GPtrArray *params;            /* of JaRtpParam: cname, msid, … */
} JaRtpSource;

typedef struct {
  char *semantics;              /* "FID", "FEC", "SIM" */
  GArray *ssrcs;                /* of guint32 */
} JaRtpSsrcGroup;

typedef struct {
  char *media;                  /* "audio" / "video" (mandatory) */
  guint32 ssrc;                 /* 0 when absent (the deprecated attribute) */
  gboolean has_ssrc;
  GPtrArray *payload_types;     /* of JaRtpPayloadType, in the peer's order */
  GPtrArray *feedback;          /* description-level rtcp-fb (applies to all) */
  GPtrArray *hdrexts;           /* of JaRtpHdrext */
  guint skipped_hdrexts;        /* malformed ones (bad id, no uri) dropped */
  gboolean extmap_allow_mixed;
  GPtrArray *sources;           /* of JaRtpSource */
  GPtrArray *ssrc_groups;       /* of JaRtpSsrcGroup */
  gboolean rtcp_mux;
  gboolean rtcp_reduced_size;
  char *bandwidth_type;         /* nullable, e.g. "AS" */
  guint bandwidth;              /* kbit/s */
} JaRtpDescription;

JaRtpDescription *ja_rtp_description_new (const char *media);
void ja_rtp_description_free (JaRtpDescription *d);
JaRtpPayloadType *ja_rtp_payload_type_new (guint8 id, const char *name,
    guint clockrate, guint channels);
JaRtpPayloadType *ja_rtp_payload_type_copy (const JaRtpPayloadType *pt);
void ja_rtp_payload_type_free (JaRtpPayloadType *pt);
void ja_rtp_payload_type_add_param (JaRtpPayloadType *pt, const char *name,
    const char *value);
void ja_rtp_payload_type_add_feedback (JaRtpPayloadType *pt, const char *type,
    const char *subtype);
/* The value of a parameter (nullable). */
const char *ja_rtp_payload_type_get_param (const JaRtpPayloadType *pt,
    const char *name);
/* The encoding name, with RFC 3551's static ids filled in (0 → PCMU, 8 →
 * PCMA, …) when the name is missing; NULL when unknown. */
const char *ja_rtp_payload_type_get_name (const JaRtpPayloadType *pt);
/* Likewise the clock rate (8000 for the static audio ids). */
guint ja_rtp_payload_type_get_clockrate (const JaRtpPayloadType *pt);

/* Builders for the lists (the strings are copied). */
void ja_rtp_description_add_hdrext (JaRtpDescription *d, guint id,
    const char *uri, const char *senders);
/* (transfer none) the new source, owned by d */
JaRtpSource *ja_rtp_description_add_source (JaRtpDescription *d,
    guint32 ssrc);
void ja_rtp_source_add_param (JaRtpSource *src, const char *name,
    const char *value);
/* (transfer none) the new group, owned by d; append to its ssrcs */
JaRtpSsrcGroup *ja_rtp_description_add_ssrc_group (JaRtpDescription *d,
    const char *semantics);

/* node: the <description/> element. A malformed one is
 * JA_XMPP_ERROR_BAD_REQUEST with a text saying what. (transfer full) */
JaRtpDescription *ja_rtp_description_parse (const JaXmlNode *node,
    GError **error);
/* (transfer full) The element, namespaced, ready to add to a <content/>. */
JaXmlNode *ja_rtp_description_build (const JaRtpDescription *d);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JaRtpDescription, ja_rtp_description_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (JaRtpPayloadType, ja_rtp_payload_type_free)

G_END_DECLS
