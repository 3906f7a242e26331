/* media-devices.c — the devices device:NAME can name (see media-devices.h). */
#include "media/media-devices.h"

#include <stdlib.h>

#include <gst/gst.h>

#include "media/media-error.h"

/* Per kind: GStreamer's device class, and the element the engines open
 * device:NAME with (media-audio.c, media-video.c): a device another
 * element would open (an ALSA card, a PipeWire node through the pipewire
 * provider) cannot be named, so it is not listed. */
static const struct {
  const char *klass;
  const char *element;
  const char *label;
} kinds[] = {
  [JA_MEDIA_DEVICE_AUDIO_SOURCE] = { "Audio/Source", "pulsesrc", "audio-source" },
  [JA_MEDIA_DEVICE_AUDIO_SINK] = { "Audio/Sink", "pulsesink", "audio-sink" },
  [JA_MEDIA_DEVICE_VIDEO_SOURCE] = { "Video/Source", "v4l2src", "video-source" },
};

const char *
ja_media_device_kind_to_string (JaMediaDeviceKind kind)
{
  g_return_val_if_fail (kind < G_N_ELEMENTS (kinds), NULL);
  return kinds[kind].label;
}

void
ja_media_device_free (JaMediaDevice *device)
{
  if (device == NULL)
    return;
  g_free (device->name);
  g_free (device->description);
  g_free (device);
}

/* The name device:NAME takes for d, when it is opened by `element`: the
 * element's own "device" property, as the provider set it. */
static char *
device_name (GstDevice *d, const char *element)
{
  g_autoptr (GstElement) e = gst_device_create_element (d, NULL);
  GstElementFactory *f;
  char *name = NULL;

  if (e == NULL)
    return NULL;
  gst_object_ref_sink (e);
  f = gst_element_get_factory (e);
  if (f == NULL
      || !g_str_equal (GST_OBJECT_NAME (f), element)
      || g_object_class_find_property (G_OBJECT_GET_CLASS (e), "device") == NULL)
    return NULL;
  g_object_get (e, "device", &name, NULL);
  if (name != NULL && name[0] == '\0')
    g_clear_pointer (&name, g_free);
  return name;
}

static JaMediaDevice *
device_new (JaMediaDeviceKind kind, GstDevice *d)
{
  g_autoptr (GstStructure) props = gst_device_get_properties (d);
  char *name = device_name (d, kinds[kind].element);
  JaMediaDevice *dev;
  gboolean is_default = FALSE;

  if (name == NULL)
    return NULL;
  dev = g_new0 (JaMediaDevice, 1);
  dev->kind = kind;
  dev->name = name;
  dev->description = gst_device_get_display_name (d);
  if (props != NULL)
    gst_structure_get_boolean (props, "is-default", &is_default);
  dev->is_default = is_default;
  return dev;
}

GPtrArray *
ja_media_devices_list (guint which)
{
  GPtrArray *out =
      g_ptr_array_new_with_free_func ((GDestroyNotify) ja_media_device_free);
  g_autoptr (GstDeviceMonitor) monitor = NULL;
  GList *devices;

  if (!gst_is_initialized ())
    gst_init (NULL, NULL);
  if (which == 0)
    which = (1u << G_N_ELEMENTS (kinds)) - 1;
  /* One monitor for every kind asked: one connection to the sound server. */
  monitor = gst_device_monitor_new ();
  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    if ((which & (1u << k)) != 0)
      gst_device_monitor_add_filter (monitor, kinds[k].klass, NULL);
  /* Started, the providers say which device is the default (a probe of
   * a monitor not started does not); starting waits for their first
   * list. A monitor that cannot start (no sound server) lists none, and
   * is not probed: that would leak the pulse provider's context. */
  if (!gst_device_monitor_start (monitor))
    return out;
  devices = gst_device_monitor_get_devices (monitor);
  gst_device_monitor_stop (monitor);
  /* Sources before sinks before cameras, each in the providers' order. */
  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++) {
    if ((which & (1u << k)) == 0)
      continue;
    for (GList *l = devices; l != NULL; l = l->next) {
      JaMediaDevice *dev = gst_device_has_classes (l->data, kinds[k].klass)
          ? device_new (k, l->data) : NULL;

      if (dev != NULL)
        g_ptr_array_add (out, dev);
    }
  }
  g_list_free_full (devices, gst_object_unref);
  return out;
}

gboolean
ja_media_device_check (JaMediaDeviceKind kind, const char *name,
                       GError **error)
{
  g_autoptr (GPtrArray) devices = NULL;
  g_autoptr (GString) there = g_string_new (NULL);
  g_autofree char *real = NULL;

  g_return_val_if_fail (kind < G_N_ELEMENTS (kinds), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  /* PulseAudio's own aliases (@DEFAULT_SINK@, @DEFAULT_SOURCE@,
   * @DEFAULT_MONITOR@) name whatever is the default then. */
  if (kind != JA_MEDIA_DEVICE_VIDEO_SOURCE
      && g_str_has_prefix (name, "@DEFAULT_") && g_str_has_suffix (name, "@"))
    return TRUE;
  /* A camera is often named by a stable link (/dev/v4l/by-id/…). */
  if (kind == JA_MEDIA_DEVICE_VIDEO_SOURCE)
    real = realpath (name, NULL);
  devices = ja_media_devices_list (1u << kind);
  for (guint i = 0; i < devices->len; i++) {
    const JaMediaDevice *d = g_ptr_array_index (devices, i);

    if (g_str_equal (d->name, name)
        || (real != NULL && g_str_equal (d->name, real)))
      return TRUE;
    g_string_append_printf (there, "%s%s", there->len > 0 ? ", " : "",
                            d->name);
  }
  if (there->len > 0)
    g_set_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_NO_DEVICE,
                 "no %s \"%s\" (there are: %s)", kinds[kind].label, name,
                 there->str);
  else
    g_set_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_NO_DEVICE,
                 "no %s \"%s\": none found%s", kinds[kind].label, name,
                 kind == JA_MEDIA_DEVICE_VIDEO_SOURCE
                     ? " (no V4L2 camera under /dev/video*)"
                     : " (is a PulseAudio or PipeWire sound server "
                       "running for this user?)");
  return FALSE;
}
