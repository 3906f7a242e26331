/* media-gst.c — small GStreamer helpers for the media engines (see
 * media-gst.h): one-time init, elements made inside their bin, linking
 * with GErrors, the GStreamer → GError conversion. No state of its own. */
#include "media/media-gst.h"

#include <string.h>

#include "media/media-error.h"

#include <gst/rtp/rtp.h>

gboolean
ja_media_gst_init (GError **error)
{
  static gsize once = 0;
  static GError *init_error = NULL;

  if (g_once_init_enter (&once)) {
    if (!gst_init_check (NULL, NULL, &init_error))
      g_prefix_error (&init_error, "GStreamer: ");
    g_once_init_leave (&once, 1);
  }
  if (init_error != NULL) {
    g_set_error_literal (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_PIPELINE,
                         init_error->message);
    return FALSE;
  }
  return TRUE;
}

GstElement *
ja_media_gst_make (GstBin *bin, const char *factory, const char *name,
                   GError **error)
{
  GstElement *e = gst_element_factory_make (factory, name);

  if (e == NULL) {
    g_set_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_CODEC,
                 "GStreamer element %s is not installed", factory);
    return NULL;
  }
  gst_bin_add (bin, e);
  return e;
}

GstElement *
ja_media_gst_parse_bin (GstBin *bin, const char *desc, GError **error)
{
  g_autoptr (GError) parse_error = NULL;
  GstElement *e = gst_parse_bin_from_description (desc, TRUE, &parse_error);

  if (e == NULL) {
    g_set_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_PIPELINE,
                 "pipeline \"%s\": %s", desc, parse_error->message);
    return NULL;
  }
  gst_bin_add (bin, e);
  return e;
}

gboolean
ja_media_gst_link_chain (GError **error, GstElement *first, ...)
{
  va_list ap;
  GstElement *prev = first, *next;

  va_start (ap, first);
  while ((next = va_arg (ap, GstElement *)) != NULL) {
    if (!gst_element_link (prev, next)) {
      g_set_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_PIPELINE,
                   "cannot link %s to %s", GST_ELEMENT_NAME (prev),
                   GST_ELEMENT_NAME (next));
      va_end (ap);
      return FALSE;
    }
    prev = next;
  }
  va_end (ap);
  return TRUE;
}

gboolean
ja_media_gst_link_pads (GstElement *src, const char *src_pad, GstElement *sink,
                        const char *sink_pad, GError **error)
{
  if (!gst_element_link_pads (src, src_pad, sink, sink_pad)) {
    g_set_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_PIPELINE,
                 "cannot link %s:%s to %s:%s", GST_ELEMENT_NAME (src),
                 src_pad ? src_pad : "*", GST_ELEMENT_NAME (sink),
                 sink_pad ? sink_pad : "*");
    return FALSE;
  }
  return TRUE;
}

gboolean
ja_media_gst_plug_chain (GstBin *bin, GstPad *pad, GstPad *sink_pad,
                         GstElement **chain, guint n)
{
  g_autoptr (GstPad) first = NULL;

  for (guint i = 0; i < n; i++) {
    gst_bin_add (bin, chain[i]);
    if (i > 0)
      gst_element_link (chain[i - 1], chain[i]);
  }
  if (sink_pad != NULL) {
    g_autoptr (GstPad) last = gst_element_get_static_pad (chain[n - 1], "src");

    gst_pad_link (last, sink_pad);
  }
  /* Downstream first, so that nothing flows into an element that is not
   * ready yet. */
  for (guint i = n; i > 0; i--)
    gst_element_sync_state_with_parent (chain[i - 1]);
  first = gst_element_get_static_pad (chain[0], "sink");
  return gst_pad_link (pad, first) == GST_PAD_LINK_OK;
}

GError *
ja_media_gst_error_from_message (GstMessage *msg)
{
  g_autoptr (GError) gst_error = NULL;
  g_autofree char *debug = NULL;
  const char *reason;

  gst_message_parse_error (msg, &gst_error, &debug);
  /* "Internal data stream error" says nothing; the flow return that
   * stopped the stream, in the debug text, says which way it failed. */
  reason = debug != NULL ? strstr (debug, "reason ") : NULL;
  if (g_error_matches (gst_error, GST_STREAM_ERROR, GST_STREAM_ERROR_FAILED)
      && reason != NULL) {
    reason += strlen ("reason ");
    return g_error_new (JA_MEDIA_ERROR, JA_MEDIA_ERROR_PIPELINE,
                        "%s: %s (%.*s)",
                        GST_OBJECT_NAME (GST_MESSAGE_SRC (msg)),
                        gst_error->message, (int) strcspn (reason, " ("),
                        reason);
  }
  return g_error_new (JA_MEDIA_ERROR, JA_MEDIA_ERROR_PIPELINE, "%s: %s",
                      GST_OBJECT_NAME (GST_MESSAGE_SRC (msg)),
                      gst_error->message);
}

GstElement *
ja_media_gst_make_appsrc (GstBin *bin, const char *name,
                          const char *media_type, guint64 max_bytes,
                          GError **error)
{
  GstElement *src = ja_media_gst_make (bin, "appsrc", name, error);
  g_autoptr (GstCaps) caps = NULL;

  if (src == NULL)
    return NULL;
  caps = gst_caps_new_empty_simple (media_type);
  g_object_set (src, "is-live", TRUE, "do-timestamp", TRUE, "format",
                GST_FORMAT_TIME, "caps", caps, "max-bytes", max_bytes, NULL);
  return src;
}

GstElement *
ja_media_gst_make_appsink (GstBin *bin, const char *name,
                           GstFlowReturn (*new_sample) (GstAppSink *,
                                                        gpointer),
                           gpointer user_data, GError **error)
{
  GstElement *sink = ja_media_gst_make (bin, "appsink", name, error);
  GstAppSinkCallbacks cbs = { 0 };

  if (sink == NULL)
    return NULL;
  g_object_set (sink, "sync", FALSE, "async", FALSE, "max-buffers", 0, "drop",
                FALSE, NULL);
  cbs.new_sample = new_sample;
  gst_app_sink_set_callbacks (GST_APP_SINK (sink), &cbs, user_data, NULL);
  return sink;
}

static void
decoded_pad_added_cb (GstElement *decodebin, GstPad *pad, gpointer data)
{
  GstElement *next = data;
  const char *prefix = g_object_get_data (G_OBJECT (decodebin),
                                          "ja-media-prefix");
  g_autoptr (GstPad) sink = gst_element_get_static_pad (next, "sink");
  g_autoptr (GstCaps) caps = gst_pad_get_current_caps (pad);

  if (gst_pad_is_linked (sink))
    return;
  if (caps != NULL
      && !g_str_has_prefix (
          gst_structure_get_name (gst_caps_get_structure (caps, 0)), prefix))
    return;
  gst_pad_link (pad, sink);
}

void
ja_media_gst_link_decoded (GstElement *decodebin, GstElement *next,
                           const char *media_prefix)
{
  g_object_set_data_full (G_OBJECT (decodebin), "ja-media-prefix",
                          g_strdup (media_prefix), g_free);
  g_signal_connect (decodebin, "pad-added", G_CALLBACK (decoded_pad_added_cb),
                    next);
}

gint64
ja_media_gst_jitterbuffers_lost (GPtrArray *jitterbuffers, GMutex *lock)
{
  g_autoptr (GPtrArray) jbs = g_ptr_array_new_with_free_func (gst_object_unref);
  gint64 lost = 0;

  g_mutex_lock (lock);
  for (guint i = 0; i < jitterbuffers->len; i++)
    g_ptr_array_add (jbs, gst_object_ref (jitterbuffers->pdata[i]));
  g_mutex_unlock (lock);
  for (guint i = 0; i < jbs->len; i++) {
    GstStructure *stats = NULL;
    guint64 n = 0;

    g_object_get (jbs->pdata[i], "stats", &stats, NULL);
    if (stats != NULL && gst_structure_get_uint64 (stats, "num-lost", &n))
      lost += (gint64)n;
    g_clear_pointer (&stats, gst_structure_free);
  }
  return lost;
}

typedef struct {
  GMutex *lock;
  GCond *cond;
  gboolean *done;
} BranchEnd;

static GstPadProbeReturn
branch_end_probe_cb (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  BranchEnd *end = user_data;

  if (GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info)) == GST_EVENT_EOS) {
    g_mutex_lock (end->lock);
    *end->done = TRUE;
    g_cond_broadcast (end->cond);
    g_mutex_unlock (end->lock);
  }
  return GST_PAD_PROBE_OK;
}

void
ja_media_gst_watch_branch_end (GstPad *pad, GMutex *lock, GCond *cond,
                               gboolean *done)
{
  BranchEnd *end = g_new (BranchEnd, 1);

  end->lock = lock;
  end->cond = cond;
  end->done = done;
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
                     branch_end_probe_cb, end, g_free);
}

gboolean
ja_media_gst_finish_branch (GstElement *head, GMutex *lock, GCond *cond,
                            const gboolean *done, gint64 timeout_us)
{
  g_autoptr (GstPad) pad = gst_element_get_static_pad (head, "sink");
  g_autoptr (GstEvent) caps = NULL;
  gint64 deadline = g_get_monotonic_time () + timeout_us;
  gboolean finished;

  caps = gst_pad_get_sticky_event (pad, GST_EVENT_CAPS, 0);
  if (caps == NULL)
    return FALSE;
  gst_pad_send_event (pad, gst_event_new_eos ());
  g_mutex_lock (lock);
  while (!*done)
    if (!g_cond_wait_until (cond, lock, deadline))
      break;
  finished = *done;
  g_mutex_unlock (lock);
  return finished;
}

static gboolean
add_hdrext (GstElement *payloader, const char *factory, guint8 id,
            const char *mid, GError **error)
{
  GstElement *e = gst_element_factory_make (factory, NULL);

  if (e == NULL || !GST_IS_RTP_HEADER_EXTENSION (e)) {
    g_set_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_CODEC,
                 "GStreamer RTP header extension %s is not installed",
                 factory);
    if (e != NULL)
      gst_object_unref (gst_object_ref_sink (e));
    return FALSE;
  }
  gst_object_ref_sink (e);
  gst_rtp_header_extension_set_id (GST_RTP_HEADER_EXTENSION (e), id);
  if (mid != NULL)
    g_object_set (e, "mid", mid, NULL);
  g_signal_emit_by_name (payloader, "add-extension", e);
  gst_object_unref (e);
  return TRUE;
}

gboolean
ja_media_gst_add_hdrexts (GstElement *payloader, guint8 mid_id,
                          const char *mid, guint8 level_id, GError **error)
{
  if (mid_id != 0 && mid != NULL && *mid != '\0'
      && !add_hdrext (payloader, "rtphdrextmid", mid_id, mid, error))
    return FALSE;
  if (level_id != 0
      && !add_hdrext (payloader, "rtphdrextclientaudiolevel", level_id, NULL,
                      error))
    return FALSE;
  return TRUE;
}
