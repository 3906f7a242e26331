/* rtp-description.c — XEP-0167 <description/> with XEP-0293 rtcp-fb,
 * XEP-0294 header extensions, XEP-0339 sources and ssrc groups (see
 * rtp-description.h). Pure: no I/O. A peer can only make the parser return
 * JA_XMPP_ERROR_BAD_REQUEST; every number it sends is range-checked. */

#include "plugins/rtp/rtp-description.h"

#include <string.h>

#include "signalling/xmpp/ns.h"
#include "signalling/xmpp/xmpp-error.h"

/* Bounds on what one description may hold: far above any real offer
 * (Chromium sends ~40 payload types, ~15 extensions), so only a hostile
 * peer reaches them. */
#define MAX_PAYLOAD_TYPES 128
#define MAX_CHILDREN 64         /* per payload type, source or group */
#define MAX_ENTRIES 256         /* hdrexts, sources, groups */

/* RFC 3551 §6: the static payload types (name, clock rate). */
static const struct {
  const char *name;
  guint clockrate;
} static_pts[35] = {
  [0] = { "PCMU", 8000 }, [3] = { "GSM", 8000 }, [4] = { "G723", 8000 },
  [5] = { "DVI4", 8000 }, [6] = { "DVI4", 16000 }, [7] = { "LPC", 8000 },
  [8] = { "PCMA", 8000 }, [9] = { "G722", 8000 }, [10] = { "L16", 44100 },
  [11] = { "L16", 44100 }, [12] = { "QCELP", 8000 }, [13] = { "CN", 8000 },
  [14] = { "MPA", 90000 }, [15] = { "G728", 8000 }, [16] = { "DVI4", 11025 },
  [17] = { "DVI4", 22050 }, [18] = { "G729", 8000 }, [25] = { "CelB", 90000 },
  [26] = { "JPEG", 90000 }, [28] = { "nv", 90000 }, [31] = { "H261", 90000 },
  [32] = { "MPV", 90000 }, [33] = { "MP2T", 90000 }, [34] = { "H263", 90000 },
};

/* ---- plain data -------------------------------------------------------- */

static void
param_free (gpointer p)
{
  JaRtpParam *param = p;

  g_free (param->name);
  g_free (param->value);
  g_free (param);
}

static JaRtpParam *
param_new (const char *name, const char *value)
{
  JaRtpParam *param = g_new0 (JaRtpParam, 1);

  param->name = g_strdup (name);
  param->value = g_strdup (value);
  return param;
}

static void
feedback_free (gpointer p)
{
  JaRtpFeedback *fb = p;

  g_free (fb->type);
  g_free (fb->subtype);
  g_free (fb);
}

static JaRtpFeedback *
feedback_new (const char *type, const char *subtype)
{
  JaRtpFeedback *fb = g_new0 (JaRtpFeedback, 1);

  fb->type = g_strdup (type);
  fb->subtype = g_strdup (subtype);
  return fb;
}

static void
hdrext_free (gpointer p)
{
  JaRtpHdrext *ext = p;

  g_free (ext->uri);
  g_free (ext->senders);
  g_free (ext);
}

static void
source_free (gpointer p)
{
  JaRtpSource *src = p;

  g_ptr_array_unref (src->params);
  g_free (src);
}

static void
ssrc_group_free (gpointer p)
{
  JaRtpSsrcGroup *group = p;

  g_free (group->semantics);
  g_array_unref (group->ssrcs);
  g_free (group);
}

JaRtpPayloadType *
ja_rtp_payload_type_new (guint8 id, const char *name, guint clockrate,
    guint channels)
{
  JaRtpPayloadType *pt = g_new0 (JaRtpPayloadType, 1);

  pt->id = id;
  pt->name = g_strdup (name);
  pt->clockrate = clockrate;
  pt->channels = channels == 0 ? 1 : channels;
  pt->params = g_ptr_array_new_with_free_func (param_free);
  pt->feedback = g_ptr_array_new_with_free_func (feedback_free);
  return pt;
}

JaRtpPayloadType *
ja_rtp_payload_type_copy (const JaRtpPayloadType *pt)
{
  JaRtpPayloadType *copy;

  g_return_val_if_fail (pt != NULL, NULL);

  copy = ja_rtp_payload_type_new (pt->id, pt->name, pt->clockrate,
      pt->channels);
  copy->ptime = pt->ptime;
  copy->maxptime = pt->maxptime;
  for (guint i = 0; i < pt->params->len; i++) {
    const JaRtpParam *p = g_ptr_array_index (pt->params, i);

    ja_rtp_payload_type_add_param (copy, p->name, p->value);
  }
  for (guint i = 0; i < pt->feedback->len; i++) {
    const JaRtpFeedback *fb = g_ptr_array_index (pt->feedback, i);

    ja_rtp_payload_type_add_feedback (copy, fb->type, fb->subtype);
  }
  return copy;
}

void
ja_rtp_payload_type_free (JaRtpPayloadType *pt)
{
  if (pt == NULL)
    return;
  g_free (pt->name);
  g_ptr_array_unref (pt->params);
  g_ptr_array_unref (pt->feedback);
  g_free (pt);
}

void
ja_rtp_payload_type_add_param (JaRtpPayloadType *pt, const char *name,
    const char *value)
{
  g_return_if_fail (pt != NULL && name != NULL);
  g_ptr_array_add (pt->params, param_new (name, value));
}

void
ja_rtp_payload_type_add_feedback (JaRtpPayloadType *pt, const char *type,
    const char *subtype)
{
  g_return_if_fail (pt != NULL && type != NULL);
  g_ptr_array_add (pt->feedback, feedback_new (type, subtype));
}

const char *
ja_rtp_payload_type_get_param (const JaRtpPayloadType *pt, const char *name)
{
  g_return_val_if_fail (pt != NULL && name != NULL, NULL);

  for (guint i = 0; i < pt->params->len; i++) {
    const JaRtpParam *p = g_ptr_array_index (pt->params, i);

    if (g_ascii_strcasecmp (p->name, name) == 0)
      return p->value;
  }
  return NULL;
}

const char *
ja_rtp_payload_type_get_name (const JaRtpPayloadType *pt)
{
  g_return_val_if_fail (pt != NULL, NULL);

  if (pt->name != NULL && pt->name[0] != '\0')
    return pt->name;
  if (pt->id < G_N_ELEMENTS (static_pts))
    return static_pts[pt->id].name;
  return NULL;
}

guint
ja_rtp_payload_type_get_clockrate (const JaRtpPayloadType *pt)
{
  g_return_val_if_fail (pt != NULL, 0);

  if (pt->clockrate != 0)
    return pt->clockrate;
  if (pt->id < G_N_ELEMENTS (static_pts))
    return static_pts[pt->id].clockrate;
  return 0;
}

JaRtpDescription *
ja_rtp_description_new (const char *media)
{
  JaRtpDescription *d = g_new0 (JaRtpDescription, 1);

  d->media = g_strdup (media);
  d->payload_types = g_ptr_array_new_with_free_func (
      (GDestroyNotify) ja_rtp_payload_type_free);
  d->feedback = g_ptr_array_new_with_free_func (feedback_free);
  d->hdrexts = g_ptr_array_new_with_free_func (hdrext_free);
  d->sources = g_ptr_array_new_with_free_func (source_free);
  d->ssrc_groups = g_ptr_array_new_with_free_func (ssrc_group_free);
  return d;
}

void
ja_rtp_description_free (JaRtpDescription *d)
{
  if (d == NULL)
    return;
  g_free (d->media);
  g_ptr_array_unref (d->payload_types);
  g_ptr_array_unref (d->feedback);
  g_ptr_array_unref (d->hdrexts);
  g_ptr_array_unref (d->sources);
  g_ptr_array_unref (d->ssrc_groups);
  g_free (d->bandwidth_type);
  g_free (d);
}

void
ja_rtp_description_add_hdrext (JaRtpDescription *d, guint id,
    const char *uri, const char *senders)
{
  JaRtpHdrext *ext;

  g_return_if_fail (d != NULL && uri != NULL);
  ext = g_new0 (JaRtpHdrext, 1);
  ext->id = id;
  ext->uri = g_strdup (uri);
  ext->senders = g_strdup (senders);
  g_ptr_array_add (d->hdrexts, ext);
}

JaRtpSource *
ja_rtp_description_add_source (JaRtpDescription *d, guint32 ssrc)
{
  JaRtpSource *src;

  g_return_val_if_fail (d != NULL, NULL);
  src = g_new0 (JaRtpSource, 1);
  src->ssrc = ssrc;
  src->params = g_ptr_array_new_with_free_func (param_free);
  g_ptr_array_add (d->sources, src);
  return src;
}

void
ja_rtp_source_add_param (JaRtpSource *src, const char *name,
    const char *value)
{
  g_return_if_fail (src != NULL && name != NULL);
  g_ptr_array_add (src->params, param_new (name, value));
}

JaRtpSsrcGroup *
ja_rtp_description_add_ssrc_group (JaRtpDescription *d,
    const char *semantics)
{
  JaRtpSsrcGroup *group;

  g_return_val_if_fail (d != NULL && semantics != NULL, NULL);
  group = g_new0 (JaRtpSsrcGroup, 1);
  group->semantics = g_strdup (semantics);
  group->ssrcs = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_ptr_array_add (d->ssrc_groups, group);
  return group;
}

/* ---- parse ------------------------------------------------------------- */

/* An attribute that must be a number in [min, max]; absent → *out = dflt
 * when optional. */
static gboolean
attr_number (const JaXmlNode *node, const char *attr, gboolean required,
    guint64 min, guint64 max, guint64 dflt, guint64 *out, GError **error)
{
  const char *text = ja_xml_node_get_attr (node, attr);

  if (text == NULL) {
    if (required)
      return ja_xmpp_error_bad_request (error,
          "<%s/> lacks %s", node->name, attr);
    *out = dflt;
    return TRUE;
  }
  if (!ja_xml_parse_decimal (text, min, max, out))
    return ja_xmpp_error_bad_request (error,
        "<%s/> %s '%.16s' is not a number in %"
        G_GUINT64_FORMAT "..%" G_GUINT64_FORMAT, node->name, attr, text,
        min, max);
  return TRUE;
}

static gboolean
is_in (const JaXmlNode *child, const char *name, const char *ns)
{
  return strcmp (child->name, name) == 0 && g_strcmp0 (child->ns, ns) == 0;
}

static gboolean
parse_feedback (const JaXmlNode *child, GPtrArray *feedback, GError **error)
{
  const char *type = ja_xml_node_get_attr (child, "type");
  const char *subtype = ja_xml_node_get_attr (child, "subtype");

  if (type == NULL || type[0] == '\0')
    return ja_xmpp_error_bad_request (error, "<rtcp-fb/> without type");
  if (feedback->len >= MAX_CHILDREN)
    return ja_xmpp_error_bad_request (error, "too many <rtcp-fb/>");
  g_ptr_array_add (feedback, feedback_new (type,
          subtype != NULL && subtype[0] != '\0' ? subtype : NULL));
  return TRUE;
}

/* <parameter name=… [value=…]/>: a value may be missing (XEP-0339, and
 * browsers send red's that way). */
static gboolean
parse_param (const JaXmlNode *child, GPtrArray *params, GError **error)
{
  const char *name = ja_xml_node_get_attr (child, "name");

  if (name == NULL || name[0] == '\0')
    return ja_xmpp_error_bad_request (error, "<parameter/> without name");
  if (params->len >= MAX_CHILDREN)
    return ja_xmpp_error_bad_request (error, "too many <parameter/>");
  g_ptr_array_add (params, param_new (name,
          ja_xml_node_get_attr (child, "value")));
  return TRUE;
}

static JaRtpPayloadType *
parse_payload_type (const JaXmlNode *node, GError **error)
{
  g_autoptr (JaRtpPayloadType) pt = NULL;
  guint64 id, clockrate, channels, ptime, maxptime;
  const char *name = ja_xml_node_get_attr (node, "name");

  if (!attr_number (node, "id", TRUE, 0, 127, 0, &id, error)
      || !attr_number (node, "clockrate", FALSE, 0, G_MAXUINT32, 0,
          &clockrate, error)
      || !attr_number (node, "channels", FALSE, 1, 255, 1, &channels, error)
      || !attr_number (node, "ptime", FALSE, 0, 65535, 0, &ptime, error)
      || !attr_number (node, "maxptime", FALSE, 0, 65535, 0, &maxptime,
          error))
    return NULL;

  pt = ja_rtp_payload_type_new ((guint8) id,
      name != NULL && name[0] != '\0' ? name : NULL, (guint) clockrate,
      (guint) channels);
  pt->ptime = (guint) ptime;
  pt->maxptime = (guint) maxptime;
  for (guint i = 0; i < ja_xml_node_get_n_children (node); i++) {
    const JaXmlNode *child = ja_xml_node_get_child (node, i);

    if (is_in (child, "parameter", JA_NS_JINGLE_RTP)) {
      if (!parse_param (child, pt->params, error))
        return NULL;
    } else if (is_in (child, "rtcp-fb", JA_NS_JINGLE_RTP_RTCP_FB)) {
      if (!parse_feedback (child, pt->feedback, error))
        return NULL;
    }
    /* anything else (rtcp-fb-trr-int, …) is ignored */
  }
  return g_steal_pointer (&pt);
}

/* XEP-0294: id 1-256 or 4096-4351, uri required. We use no extension
 * yet, so a malformed one is dropped rather than failing the session
 * (XEP-0294's own Example 1 has id 4907). */
static gboolean
parse_hdrext (JaRtpDescription *d, const JaXmlNode *node, GError **error)
{
  const char *id_text = ja_xml_node_get_attr (node, "id");
  const char *uri = ja_xml_node_get_attr (node, "uri");
  const char *senders = ja_xml_node_get_attr (node, "senders");
  guint64 id;

  if (!ja_xml_parse_decimal (id_text, 1, 4351, &id) || (id > 256 && id < 4096)
      || uri == NULL || uri[0] == '\0'
      || (senders != NULL && strcmp (senders, "both") != 0
          && strcmp (senders, "initiator") != 0
          && strcmp (senders, "responder") != 0)) {
    g_debug ("rtp: ignoring <rtp-hdrext/> id '%.16s'",
        id_text ? id_text : "(none)");
    d->skipped_hdrexts++;
    return TRUE;
  }
  if (d->hdrexts->len >= MAX_ENTRIES)
    return ja_xmpp_error_bad_request (error, "too many <rtp-hdrext/>");
  ja_rtp_description_add_hdrext (d, (guint) id, uri, senders);
  return TRUE;
}

/* XEP-0339 <source ssrc=…> with <parameter/> children. */
static gboolean
parse_source (JaRtpDescription *d, const JaXmlNode *node, GError **error)
{
  JaRtpSource *src;
  guint64 ssrc;

  if (!attr_number (node, "ssrc", TRUE, 0, G_MAXUINT32, 0, &ssrc, error))
    return FALSE;
  if (d->sources->len >= MAX_ENTRIES)
    return ja_xmpp_error_bad_request (error, "too many <source/>");
  src = ja_rtp_description_add_source (d, (guint32) ssrc);
  for (guint i = 0; i < ja_xml_node_get_n_children (node); i++) {
    const JaXmlNode *child = ja_xml_node_get_child (node, i);

    /* The parameters are in the ssma namespace; some peers leave them in
     * the rtp one. */
    if (strcmp (child->name, "parameter") == 0
        && (g_strcmp0 (child->ns, JA_NS_JINGLE_RTP_SSMA) == 0
            || g_strcmp0 (child->ns, JA_NS_JINGLE_RTP) == 0)
        && !parse_param (child, src->params, error))
      return FALSE;
  }
  return TRUE;
}

static gboolean
parse_ssrc_group (JaRtpDescription *d, const JaXmlNode *node, GError **error)
{
  const char *semantics = ja_xml_node_get_attr (node, "semantics");
  JaRtpSsrcGroup *group;

  if (semantics == NULL || semantics[0] == '\0')
    return ja_xmpp_error_bad_request (error, "<ssrc-group/> without semantics");
  if (d->ssrc_groups->len >= MAX_ENTRIES)
    return ja_xmpp_error_bad_request (error, "too many <ssrc-group/>");
  group = ja_rtp_description_add_ssrc_group (d, semantics);
  for (guint i = 0; i < ja_xml_node_get_n_children (node); i++) {
    const JaXmlNode *child = ja_xml_node_get_child (node, i);
    guint64 ssrc;
    guint32 v;

    if (!is_in (child, "source", JA_NS_JINGLE_RTP_SSMA))
      continue;
    if (!attr_number (child, "ssrc", TRUE, 0, G_MAXUINT32, 0, &ssrc, error))
      return FALSE;
    if (group->ssrcs->len >= MAX_CHILDREN)
      return ja_xmpp_error_bad_request (error,
          "too many sources in <ssrc-group/>");
    v = (guint32) ssrc;
    g_array_append_val (group->ssrcs, v);
  }
  return TRUE;
}

static gboolean
parse_bandwidth (JaRtpDescription *d, const JaXmlNode *node, GError **error)
{
  const char *type = ja_xml_node_get_attr (node, "type");
  g_autofree char *text = g_strstrip (g_strdup (ja_xml_node_get_text (node)));
  guint64 value;

  if (type == NULL || type[0] == '\0')
    return ja_xmpp_error_bad_request (error, "<bandwidth/> without type");
  if (!ja_xml_parse_decimal (text, 0, G_MAXUINT32, &value))
    return ja_xmpp_error_bad_request (error,
        "<bandwidth/> '%.16s' is not a number", text);
  g_free (d->bandwidth_type);
  d->bandwidth_type = g_strdup (type);
  d->bandwidth = (guint) value;
  return TRUE;
}

static gboolean
parse_child (JaRtpDescription *d, const JaXmlNode *child, GError **error)
{
  if (is_in (child, "payload-type", JA_NS_JINGLE_RTP)) {
    JaRtpPayloadType *pt;

    if (d->payload_types->len >= MAX_PAYLOAD_TYPES)
      return ja_xmpp_error_bad_request (error, "too many <payload-type/>");
    pt = parse_payload_type (child, error);
    if (pt == NULL)
      return FALSE;
    for (guint i = 0; i < d->payload_types->len; i++) {
      const JaRtpPayloadType *other = g_ptr_array_index (d->payload_types, i);

      if (other->id == pt->id) {
        ja_rtp_payload_type_free (pt);
        return ja_xmpp_error_bad_request (error,
            "two <payload-type/> with id %u",
            other->id);
      }
    }
    g_ptr_array_add (d->payload_types, pt);
  } else if (is_in (child, "rtcp-fb", JA_NS_JINGLE_RTP_RTCP_FB)) {
    return parse_feedback (child, d->feedback, error);
  } else if (is_in (child, "rtp-hdrext", JA_NS_JINGLE_RTP_HDREXT)) {
    return parse_hdrext (d, child, error);
  } else if (is_in (child, "extmap-allow-mixed", JA_NS_JINGLE_RTP_HDREXT)) {
    d->extmap_allow_mixed = TRUE;
  } else if (is_in (child, "source", JA_NS_JINGLE_RTP_SSMA)) {
    return parse_source (d, child, error);
  } else if (is_in (child, "ssrc-group", JA_NS_JINGLE_RTP_SSMA)) {
    return parse_ssrc_group (d, child, error);
  } else if (is_in (child, "rtcp-mux", JA_NS_JINGLE_RTP)) {
    d->rtcp_mux = TRUE;
  } else if (is_in (child, "rtcp-reduced-size", JA_NS_JINGLE_RTP)) {
    d->rtcp_reduced_size = TRUE;
  } else if (is_in (child, "bandwidth", JA_NS_JINGLE_RTP)) {
    return parse_bandwidth (d, child, error);
  }
  /* Unknown children (<encryption/>, msid <stream/>, …) are ignored. */
  return TRUE;
}

JaRtpDescription *
ja_rtp_description_parse (const JaXmlNode *node, GError **error)
{
  g_autoptr (JaRtpDescription) d = NULL;
  const char *media;
  guint64 ssrc;

  if (node == NULL || !ja_xml_node_is (node, "description", JA_NS_JINGLE_RTP)) {
    ja_xmpp_error_bad_request (error,
        "not a <description xmlns='" JA_NS_JINGLE_RTP "'/>");
    return NULL;
  }
  media = ja_xml_node_get_attr (node, "media");
  if (media == NULL || media[0] == '\0') {
    ja_xmpp_error_bad_request (error, "RTP <description/> without media");
    return NULL;
  }
  d = ja_rtp_description_new (media);
  if (ja_xml_node_get_attr (node, "ssrc") != NULL) {
    if (!attr_number (node, "ssrc", TRUE, 0, G_MAXUINT32, 0, &ssrc, error))
      return NULL;
    d->ssrc = (guint32) ssrc;
    d->has_ssrc = TRUE;
  }
  for (guint i = 0; i < ja_xml_node_get_n_children (node); i++) {
    if (!parse_child (d, ja_xml_node_get_child (node, i), error))
      return NULL;
  }
  return g_steal_pointer (&d);
}

/* ---- build ------------------------------------------------------------- */

static void
build_feedback (JaXmlNode *parent, GPtrArray *feedback)
{
  for (guint i = 0; i < feedback->len; i++) {
    const JaRtpFeedback *fb = g_ptr_array_index (feedback, i);
    JaXmlNode *node = ja_xml_node_add_new (parent, "rtcp-fb",
        JA_NS_JINGLE_RTP_RTCP_FB);

    ja_xml_node_set_attr (node, "type", fb->type);
    if (fb->subtype != NULL)
      ja_xml_node_set_attr (node, "subtype", fb->subtype);
  }
}

static void
build_params (JaXmlNode *parent, GPtrArray *params, const char *ns)
{
  for (guint i = 0; i < params->len; i++) {
    const JaRtpParam *p = g_ptr_array_index (params, i);
    JaXmlNode *node = ja_xml_node_add_new (parent, "parameter", ns);

    ja_xml_node_set_attr (node, "name", p->name);
    if (p->value != NULL)
      ja_xml_node_set_attr (node, "value", p->value);
  }
}

static void
build_payload_type (JaXmlNode *desc, const JaRtpPayloadType *pt)
{
  JaXmlNode *node = ja_xml_node_add_new (desc, "payload-type", NULL);

  ja_xml_node_set_attr_printf (node, "id", "%u", pt->id);
  if (pt->name != NULL)
    ja_xml_node_set_attr (node, "name", pt->name);
  if (pt->clockrate != 0)
    ja_xml_node_set_attr_printf (node, "clockrate", "%u", pt->clockrate);
  if (pt->channels > 1)
    ja_xml_node_set_attr_printf (node, "channels", "%u", pt->channels);
  if (pt->ptime != 0)
    ja_xml_node_set_attr_printf (node, "ptime", "%u", pt->ptime);
  if (pt->maxptime != 0)
    ja_xml_node_set_attr_printf (node, "maxptime", "%u", pt->maxptime);
  build_params (node, pt->params, NULL);
  build_feedback (node, pt->feedback);
}

static void
build_sources (JaXmlNode *desc, const JaRtpDescription *d)
{
  for (guint i = 0; i < d->sources->len; i++) {
    const JaRtpSource *src = g_ptr_array_index (d->sources, i);
    JaXmlNode *node = ja_xml_node_add_new (desc, "source",
        JA_NS_JINGLE_RTP_SSMA);

    ja_xml_node_set_attr_printf (node, "ssrc", "%u", src->ssrc);
    build_params (node, src->params, NULL);
  }
  for (guint i = 0; i < d->ssrc_groups->len; i++) {
    const JaRtpSsrcGroup *group = g_ptr_array_index (d->ssrc_groups, i);
    JaXmlNode *node = ja_xml_node_add_new (desc, "ssrc-group",
        JA_NS_JINGLE_RTP_SSMA);

    ja_xml_node_set_attr (node, "semantics", group->semantics);
    for (guint j = 0; j < group->ssrcs->len; j++)
      ja_xml_node_set_attr_printf (ja_xml_node_add_new (node, "source", NULL),
          "ssrc", "%u", g_array_index (group->ssrcs, guint32, j));
  }
}

JaXmlNode *
ja_rtp_description_build (const JaRtpDescription *d)
{
  JaXmlNode *desc;

  g_return_val_if_fail (d != NULL && d->media != NULL, NULL);

  desc = ja_xml_node_new ("description", JA_NS_JINGLE_RTP);
  ja_xml_node_set_attr (desc, "media", d->media);
  if (d->has_ssrc)
    ja_xml_node_set_attr_printf (desc, "ssrc", "%u", d->ssrc);
  for (guint i = 0; i < d->payload_types->len; i++)
    build_payload_type (desc, g_ptr_array_index (d->payload_types, i));
  build_feedback (desc, d->feedback);
  for (guint i = 0; i < d->hdrexts->len; i++) {
    const JaRtpHdrext *ext = g_ptr_array_index (d->hdrexts, i);
    JaXmlNode *node = ja_xml_node_add_new (desc, "rtp-hdrext",
        JA_NS_JINGLE_RTP_HDREXT);

    ja_xml_node_set_attr_printf (node, "id", "%u", ext->id);
    ja_xml_node_set_attr (node, "uri", ext->uri);
    if (ext->senders != NULL)
      ja_xml_node_set_attr (node, "senders", ext->senders);
  }
  if (d->extmap_allow_mixed)
    ja_xml_node_add_new (desc, "extmap-allow-mixed", JA_NS_JINGLE_RTP_HDREXT);
  build_sources (desc, d);
  if (d->bandwidth_type != NULL) {
    JaXmlNode *bw = ja_xml_node_add_new (desc, "bandwidth", NULL);
    g_autofree char *value = g_strdup_printf ("%u", d->bandwidth);

    ja_xml_node_set_attr (bw, "type", d->bandwidth_type);
    ja_xml_node_set_text (bw, value);
  }
  if (d->rtcp_mux)
    ja_xml_node_add_new (desc, "rtcp-mux", NULL);
  if (d->rtcp_reduced_size)
    ja_xml_node_add_new (desc, "rtcp-reduced-size", NULL);
  return desc;
}
