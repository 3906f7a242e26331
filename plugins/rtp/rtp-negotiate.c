/* rtp-negotiate.c — payload-type offer/answer (XEP-0167 §5, RFC 3264 §6;
 * see rtp-negotiate.h). Pure functions over the codec table. */

#include "plugins/rtp/rtp-negotiate.h"

#include "signalling/xml/xml-node.h"

#include <string.h>

#include "media/rtp-hdrext.h"
#include "signalling/xmpp/xmpp-error.h"

#define TELEPHONE_EVENT "telephone-event"

static gboolean
media_kind (const char *media, JaMediaKind *kind)
{
  if (g_strcmp0 (media, "audio") == 0)
    *kind = JA_MEDIA_AUDIO;
  else if (g_strcmp0 (media, "video") == 0)
    *kind = JA_MEDIA_VIDEO;
  else
    return FALSE;
  return TRUE;
}

static gboolean
is_dtmf (const JaRtpPayloadType *pt)
{
  return g_ascii_strcasecmp (ja_rtp_payload_type_get_name (pt) ?: "",
      TELEPHONE_EVENT) == 0;
}

/* RFC 4588 retransmission: rides on the codec its apt names. */
static gboolean
is_rtx (const JaRtpPayloadType *pt)
{
  return g_ascii_strcasecmp (ja_rtp_payload_type_get_name (pt) ?: "",
      "rtx") == 0;
}

/* "type" or "type subtype" → rtcp-fb on pt. */
static void
add_feedback_spec (JaRtpPayloadType *pt, const char *spec)
{
  g_auto (GStrv) parts = g_strsplit (spec, " ", 2);

  ja_rtp_payload_type_add_feedback (pt, parts[0], parts[1]);
}

static void
add_our_params (JaRtpPayloadType *pt, const JaCodecInfo *c)
{
  for (guint i = 0; c->params != NULL && c->params[i] != NULL; i++) {
    g_auto (GStrv) kv = g_strsplit (c->params[i], "=", 2);

    ja_rtp_payload_type_add_param (pt, kv[0], kv[1]);
  }
}

/* RFC 6184 §8.1: profile-level-id is profile_idc, profile-iop (the
 * constraint_set flags, set0 = 0x80 … set5 = 0x04) and level_idc, six hex
 * digits; absent, it is 42000a (baseline, level 1). Constrained baseline
 * (what openh264 sends and decodes) is profile_idc 0x42 with set1 (the
 * Baseline profile's stream constrained), or 0x4d / 0x58 with set1
 * (streams every Baseline, Main (and Extended) decoder reads), RFC 6184
 * Table 5. Plain Baseline (0x42 without set1) may use FMO and ASO, which
 * the openh264 decoder lacks, but every encoder we meet in practice sends
 * constrained streams under 42xxxx: we accept any 0x42. Main (0x4d
 * without set1) and High are other profiles. */
static gboolean
parse_profile_level_id (const char *s, guint *profile_idc, guint *iop)
{
  guint64 v;
  char *end;

  if (s == NULL) {
    *profile_idc = 0x42;
    *iop = 0;
    return TRUE;
  }
  if (strlen (s) != 6 || !g_ascii_isxdigit (s[0]))
    return FALSE;
  v = g_ascii_strtoull (s, &end, 16);
  if (*end != '\0')
    return FALSE;
  *profile_idc = (guint) (v >> 16);
  *iop = (guint) ((v >> 8) & 0xff);
  return TRUE;
}

gboolean
ja_rtp_negotiate_h264_compatible (const JaRtpPayloadType *pt)
{
  const char *mode = ja_rtp_payload_type_get_param (pt, "packetization-mode");
  guint profile_idc, iop;

  /* Absent means 0, single NAL unit mode (RFC 6184 §8.1); we run 1 only. */
  if (g_strcmp0 (mode != NULL ? mode : "0", "1") != 0)
    return FALSE;
  if (!parse_profile_level_id (ja_rtp_payload_type_get_param (pt,
              "profile-level-id"), &profile_idc, &iop))
    return FALSE;
  if (profile_idc == 0x42)
    return TRUE;
  return (profile_idc == 0x4d || profile_idc == 0x58) && (iop & 0x40) != 0;
}

JaRtpDescription *
ja_rtp_negotiate_offer (const char *media)
{
  JaRtpDescription *d;
  const JaCodecInfo *const *list;
  JaMediaKind kind;
  guint n;

  if (!media_kind (media, &kind)) {
    g_return_val_if_reached (NULL);     /* we only offer audio or video */
  }
  d = ja_rtp_description_new (media);
  d->rtcp_mux = TRUE;
  list = ja_codecs_list (kind, &n);
  for (guint i = 0; i < n; i++) {
    const JaCodecInfo *c = list[i];
    JaRtpPayloadType *pt = ja_rtp_payload_type_new (c->default_pt, c->name,
        c->clock_rate, c->channels);

    add_our_params (pt, c);
    for (guint j = 0; c->rtcp_fb != NULL && c->rtcp_fb[j] != NULL; j++)
      add_feedback_spec (pt, c->rtcp_fb[j]);
    g_ptr_array_add (d->payload_types, pt);
  }
  return d;
}

/* The codec of ours an offered payload type is, or NULL. Opus matches
 * only as 48000/2 (RFC 7587 §7), which the table says; static ids match
 * without a name. */
static const JaCodecInfo *
match (JaMediaKind kind, const JaRtpPayloadType *pt)
{
  const JaCodecInfo *c = ja_codecs_find (kind,
      ja_rtp_payload_type_get_name (pt),
      ja_rtp_payload_type_get_clockrate (pt),
      kind == JA_MEDIA_AUDIO ? pt->channels : 0);

  if (c != NULL && g_ascii_strcasecmp (c->name, "H264") == 0
      && !ja_rtp_negotiate_h264_compatible (pt))
    return NULL;
  return c;
}

static gboolean
has_feedback (const JaRtpDescription *offer, const JaRtpPayloadType *pt,
    const char *type, const char *subtype)
{
  GPtrArray *lists[] = { pt->feedback, offer->feedback };

  for (guint l = 0; l < G_N_ELEMENTS (lists); l++) {
    for (guint i = 0; i < lists[l]->len; i++) {
      const JaRtpFeedback *fb = g_ptr_array_index (lists[l], i);

      if (g_strcmp0 (fb->type, type) == 0
          && g_strcmp0 (fb->subtype, subtype) == 0)
        return TRUE;
    }
  }
  return FALSE;
}

/* Our answer's entry for an offered type: the offer's id, our parameters
 * (what we want to receive), the rtcp-fb both sides do. */
static JaRtpPayloadType *
answer_entry (const JaRtpDescription *offer, const JaRtpPayloadType *pt,
    const JaCodecInfo *c)
{
  JaRtpPayloadType *ans = ja_rtp_payload_type_new (pt->id,
      ja_rtp_payload_type_get_name (pt),
      ja_rtp_payload_type_get_clockrate (pt), pt->channels);

  add_our_params (ans, c);
  for (guint j = 0; c->rtcp_fb != NULL && c->rtcp_fb[j] != NULL; j++) {
    g_auto (GStrv) parts = g_strsplit (c->rtcp_fb[j], " ", 2);

    if (has_feedback (offer, pt, parts[0], parts[1]))
      ja_rtp_payload_type_add_feedback (ans, parts[0], parts[1]);
  }
  return ans;
}

JaRtpDescription *
ja_rtp_negotiate_answer (const JaRtpDescription *offer, GError **error)
{
  g_autoptr (JaRtpDescription) ans = NULL;
  const JaCodecInfo *first = NULL;
  int dtmf = -1;
  JaMediaKind kind;

  g_return_val_if_fail (offer != NULL, NULL);

  if (!media_kind (offer->media, &kind)) {
    g_set_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_NOT_ACCEPTABLE,
        "media '%.32s' is not supported", offer->media);
    return NULL;
  }
  /* The codec we will send: the first the offer lists that we run. */
  for (guint i = 0; i < offer->payload_types->len && first == NULL; i++) {
    const JaRtpPayloadType *pt = g_ptr_array_index (offer->payload_types, i);

    if (!is_dtmf (pt) && !is_rtx (pt))
      first = match (kind, pt);
  }
  if (first == NULL) {
    g_set_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_NOT_ACCEPTABLE,
        "no %s codec in common", offer->media);
    return NULL;
  }
  /* One telephone-event, preferably at the chosen codec's clock rate. */
  for (guint i = 0; i < offer->payload_types->len; i++) {
    const JaRtpPayloadType *pt = g_ptr_array_index (offer->payload_types, i);

    if (!is_dtmf (pt) || match (kind, pt) == NULL)
      continue;
    if (ja_rtp_payload_type_get_clockrate (pt) == first->clock_rate) {
      dtmf = (int) i;
      break;
    }
    if (dtmf < 0)
      dtmf = (int) i;
  }

  ans = ja_rtp_description_new (offer->media);
  ans->rtcp_mux = offer->rtcp_mux;
  for (guint i = 0; i < offer->payload_types->len; i++) {
    const JaRtpPayloadType *pt = g_ptr_array_index (offer->payload_types, i);
    const JaCodecInfo *c = match (kind, pt);

    if (c == NULL || (is_dtmf (pt) && (int) i != dtmf) || is_rtx (pt))
      continue;
    g_ptr_array_add (ans->payload_types, answer_entry (offer, pt, c));
  }
  /* rtx for the codecs answered, with the offer's apt (RFC 4588 §8.6). */
  for (guint i = 0; i < offer->payload_types->len; i++) {
    const JaRtpPayloadType *pt = g_ptr_array_index (offer->payload_types, i);
    const char *apt = ja_rtp_payload_type_get_param (pt, "apt");
    guint64 apt_id;
    JaRtpPayloadType *r;
    gboolean answered = FALSE;

    if (!is_rtx (pt) || match (kind, pt) == NULL
        || !ja_xml_parse_decimal (apt, 0, 127, &apt_id))
      continue;
    for (guint j = 0; j < ans->payload_types->len; j++) {
      const JaRtpPayloadType *a = g_ptr_array_index (ans->payload_types, j);

      answered |= a->id == apt_id && !is_dtmf (a);
    }
    if (!answered)
      continue;
    r = ja_rtp_payload_type_new (pt->id, "rtx",
        ja_rtp_payload_type_get_clockrate (pt), 0);
    ja_rtp_payload_type_add_param (r, "apt", apt);
    g_ptr_array_add (ans->payload_types, r);
  }
  return g_steal_pointer (&ans);
}

const JaRtpPayloadType *
ja_rtp_negotiate_send_codec (const JaRtpDescription *d)
{
  JaMediaKind kind;

  g_return_val_if_fail (d != NULL, NULL);

  if (!media_kind (d->media, &kind))
    return NULL;
  for (guint i = 0; i < d->payload_types->len; i++) {
    const JaRtpPayloadType *pt = g_ptr_array_index (d->payload_types, i);

    if (!is_dtmf (pt) && !is_rtx (pt) && match (kind, pt) != NULL)
      return pt;
  }
  return NULL;
}

const JaRtpPayloadType *
ja_rtp_negotiate_dtmf (const JaRtpDescription *d, guint clock_rate)
{
  const JaRtpPayloadType *any = NULL;

  g_return_val_if_fail (d != NULL, NULL);

  for (guint i = 0; i < d->payload_types->len; i++) {
    const JaRtpPayloadType *pt = g_ptr_array_index (d->payload_types, i);

    if (!is_dtmf (pt))
      continue;
    if (ja_rtp_payload_type_get_clockrate (pt) == clock_rate)
      return pt;
    if (any == NULL)
      any = pt;
  }
  return any;
}

/* ---- XEP-0294 header extensions ------------------------------------------ */

#define OUR_MID_ID 1
#define OUR_AUDIO_LEVEL_ID 2
#define MAX_ONE_BYTE_ID 14

static gboolean
runs_hdrext (const char *media, const char *uri, gboolean bundle)
{
  if (g_strcmp0 (uri, JA_RTP_HDREXT_URI_MID) == 0)
    return bundle;
  if (g_strcmp0 (uri, JA_RTP_HDREXT_URI_AUDIO_LEVEL) == 0)
    return g_strcmp0 (media, "audio") == 0;
  return FALSE;
}

void
ja_rtp_negotiate_offer_hdrexts (JaRtpDescription *d, gboolean bundle)
{
  g_return_if_fail (d != NULL);

  if (bundle)
    ja_rtp_description_add_hdrext (d, OUR_MID_ID, JA_RTP_HDREXT_URI_MID,
        NULL);
  if (runs_hdrext (d->media, JA_RTP_HDREXT_URI_AUDIO_LEVEL, bundle))
    ja_rtp_description_add_hdrext (d, OUR_AUDIO_LEVEL_ID,
        JA_RTP_HDREXT_URI_AUDIO_LEVEL, NULL);
}

void
ja_rtp_negotiate_answer_hdrexts (const JaRtpDescription *offer,
    JaRtpDescription *answer, gboolean bundle)
{
  g_return_if_fail (offer != NULL && answer != NULL);

  for (guint i = 0; i < offer->hdrexts->len; i++) {
    const JaRtpHdrext *e = g_ptr_array_index (offer->hdrexts, i);
    gboolean clash = FALSE;

    if (e->id < 1 || e->id > MAX_ONE_BYTE_ID
        || !runs_hdrext (offer->media, e->uri, bundle))
      continue;
    /* One entry per URI and per id: the first offered wins (XEP-0294
     * Example 1 offers alternatives under one id). */
    for (guint j = 0; j < answer->hdrexts->len; j++) {
      const JaRtpHdrext *a = g_ptr_array_index (answer->hdrexts, j);

      clash |= a->id == e->id || g_strcmp0 (a->uri, e->uri) == 0;
    }
    if (!clash)
      ja_rtp_description_add_hdrext (answer, e->id, e->uri, e->senders);
  }
  answer->extmap_allow_mixed = offer->extmap_allow_mixed;
}

guint8
ja_rtp_negotiate_hdrext_id (const JaRtpDescription *neg, const char *uri,
    gboolean initiator)
{
  g_return_val_if_fail (uri != NULL, 0);

  for (guint i = 0; neg != NULL && i < neg->hdrexts->len; i++) {
    const JaRtpHdrext *e = g_ptr_array_index (neg->hdrexts, i);
    const char *s = e->senders != NULL ? e->senders : "both";

    if (g_strcmp0 (e->uri, uri) != 0 || e->id < 1
        || e->id > MAX_ONE_BYTE_ID)
      continue;
    if (strcmp (s, "both") == 0
        || strcmp (s, initiator ? "initiator" : "responder") == 0)
      return (guint8) e->id;
    return 0;
  }
  return 0;
}
