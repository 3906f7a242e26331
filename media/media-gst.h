/* media-gst.h — small GStreamer helpers for the media engines: GStreamer
 * initialised once, elements created inside their bin (which owns them
 * from then on), links that fail with a GError, and the one GStreamer →
 * GError conversion (STYLE.md §3.3). No state of their own. */
#pragma once

#include <gst/app/gstappsink.h>
#include <gst/gst.h>

G_BEGIN_DECLS

/* gst_init_check once per process; the same error every later call. */
gboolean ja_media_gst_init (GError **error);
/* (transfer none: the bin owns it) NULL with JA_MEDIA_ERROR_CODEC when the
 * factory is not installed. */
GstElement *ja_media_gst_make (GstBin *bin, const char *factory,
                               const char *name, GError **error);
/* (transfer none) A gst-launch description as one bin with ghost pads,
 * added to `bin`; NULL with JA_MEDIA_ERROR_PIPELINE. */
GstElement *ja_media_gst_parse_bin (GstBin *bin, const char *desc,
                                    GError **error);
/* Links first → … → NULL; JA_MEDIA_ERROR_PIPELINE names the failed pair. */
gboolean ja_media_gst_link_chain (GError **error, GstElement *first,
                                  ...) G_GNUC_NULL_TERMINATED;
gboolean ja_media_gst_link_pads (GstElement *src, const char *src_pad,
                                 GstElement *sink, const char *sink_pad,
                                 GError **error);
/* Adds `chain` (n elements, consumed) to `bin` while it runs, links it
 * from `pad` to `sink_pad` (NULL: the last element is a sink) and brings
 * it to the bin's state. FALSE when `pad` would not link. */
gboolean ja_media_gst_plug_chain (GstBin *bin, GstPad *pad, GstPad *sink_pad,
                                  GstElement **chain, guint n);
/* (transfer none) A live appsrc of `media_type` ("application/x-rtp" or
 * "application/x-rtcp") that stamps buffers on arrival (the jitter buffer
 * needs arrival times) and holds at most max_bytes. */
GstElement *ja_media_gst_make_appsrc (GstBin *bin, const char *name,
                                      const char *media_type,
                                      guint64 max_bytes, GError **error);
/* (transfer none) An appsink that hands every sample to new_sample at once
 * (no clock, no preroll, nothing dropped). */
GstElement *ja_media_gst_make_appsink (
    GstBin *bin, const char *name,
    GstFlowReturn (*new_sample) (GstAppSink *sink, gpointer user_data),
    gpointer user_data, GError **error);
/* Links the first pad a decodebin adds whose caps start with media_prefix
 * ("audio/", "video/") to `next`'s sink pad; later pads are left alone. */
void ja_media_gst_link_decoded (GstElement *decodebin, GstElement *next,
                                const char *media_prefix);
/* Sum of "num-lost" over rtpbin's jitter buffers (GstElement*, read under
 * `lock`): packets given up on once the latency passed — unlike RFC 3550's
 * cumulative count, never negative with duplicates or during probation. */
gint64 ja_media_gst_jitterbuffers_lost (GPtrArray *jitterbuffers,
                                        GMutex *lock);
/* The end of a recording branch: when EOS reaches `pad`, *done is set
 * under `lock` and `cond` broadcast (what ja_media_gst_finish_branch waits
 * for). */
void ja_media_gst_watch_branch_end (GstPad *pad, GMutex *lock, GCond *cond,
                                    gboolean *done);
/* Ends a recording branch: EOS into `head`'s sink pad (only once data with
 * caps went through it: an EOS before stream-start is a flow error), then
 * waits up to timeout_us until *done, which the branch's end sets under
 * `lock` and signals on `cond`. FALSE when nothing had to be finished or
 * the wait timed out. */
gboolean ja_media_gst_finish_branch (GstElement *head, GMutex *lock,
                                     GCond *cond, const gboolean *done,
                                     gint64 timeout_us);
/* XEP-0294 / RFC 8285: puts the negotiated header extensions on an RTP
 * payloader (its "add-extension" action): the BUNDLE MID (rtphdrextmid
 * with `mid`) under mid_id, the RFC 6464 client-to-mixer audio level
 * (rtphdrextclientaudiolevel, written from the GstAudioLevelMeta a `level`
 * element upstream sets) under level_id; 0 skips one. FALSE with
 * JA_MEDIA_ERROR_CODEC when an extension element is missing. */
gboolean ja_media_gst_add_hdrexts (GstElement *payloader, guint8 mid_id,
                                   const char *mid, guint8 level_id,
                                   GError **error);
/* (transfer full) A GST_MESSAGE_ERROR as JA_MEDIA_ERROR_PIPELINE. */
GError *ja_media_gst_error_from_message (GstMessage *msg);

G_END_DECLS
