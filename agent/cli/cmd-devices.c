/* cmd-devices.c — `jingle-agent devices`: the microphones, speakers and
 * cameras there are now, with the NAME that `--audio device:NAME`,
 * `--sink device:NAME` and `--video device:NAME` take. No account, no
 * network. Exit 0 (also when there are none: it says so), 2 usage. */
#include "agent/cli/cli.h"

#include <stdio.h>
#include <string.h>

#include "media/media-devices.h"

static const char *const options_for[] = {
  [JA_MEDIA_DEVICE_AUDIO_SOURCE] = "--audio",
  [JA_MEDIA_DEVICE_AUDIO_SINK] = "--sink",
  [JA_MEDIA_DEVICE_VIDEO_SOURCE] = "--video",
};

static gboolean
parse_kinds (char **names, guint *kinds)
{
  *kinds = 0;
  for (guint i = 0; names != NULL && names[i] != NULL; i++) {
    guint k;

    for (k = 0; k < G_N_ELEMENTS (options_for); k++)
      if (g_str_equal (names[i], ja_media_device_kind_to_string (k)))
        break;
    if (k == G_N_ELEMENTS (options_for)) {
      fprintf (stderr, "jingle-agent devices: --kind is audio-source, "
          "audio-sink or video-source, not '%s'\n", names[i]);
      return FALSE;
    }
    *kinds |= 1u << k;
  }
  return TRUE;
}

static void
report (gboolean json, const JaMediaDevice *d)
{
  g_autofree char *option =
      g_strdup_printf ("%s device:%s", options_for[d->kind], d->name);

  if (json) {
    JaJsonEvent *ev = ja_json_event_new ("device");

    ja_json_event_add_string (ev, "kind",
        ja_media_device_kind_to_string (d->kind));
    ja_json_event_add_string (ev, "name", d->name);
    ja_json_event_add_string (ev, "description", d->description);
    ja_json_event_add_bool (ev, "default", d->is_default);
    ja_json_event_add_string (ev, "option", option);
    ja_json_event_emit (ev);
  } else {
    printf ("%-12s %-40s %s%s\n", ja_media_device_kind_to_string (d->kind),
        option, d->description != NULL ? d->description : "",
        d->is_default ? " (default)" : "");
  }
}

int
ja_cmd_devices (int argc, char **argv)
{
  g_autoptr (GOptionContext) ctx = g_option_context_new (
      "- list the microphones, speakers and cameras device:NAME can name");
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) devices = NULL;
  g_auto (GStrv) kind_names = NULL;
  gboolean json = FALSE;
  guint kinds;
  GOptionEntry entries[] = {
    { "kind", 0, 0, G_OPTION_ARG_STRING_ARRAY, &kind_names,
      "Only these: audio-source, audio-sink, video-source (repeatable; "
      "default all)", "KIND" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      "One JSON event per line on stdout: a \"device\" event each, then "
      "\"done\" with the count", NULL },
    { NULL }
  };

  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_set_summary (ctx,
      "Audio devices are PulseAudio's (or PipeWire's through pipewire-pulse)\n"
      "sources and sinks, cameras are V4L2 devices. Plain `device` opens the\n"
      "default one. Exit status: 0 (also when none is found), 2 usage.");
  if (!g_option_context_parse (ctx, &argc, &argv, &error)) {
    fprintf (stderr, "jingle-agent devices: %s\n", error->message);
    return JA_EXIT_USAGE;
  }
  if (argc > 1) {
    fprintf (stderr, "jingle-agent devices: unexpected argument '%s'\n",
        argv[1]);
    return JA_EXIT_USAGE;
  }
  if (!parse_kinds (kind_names, &kinds))
    return JA_EXIT_USAGE;
  devices = ja_media_devices_list (kinds);
  for (guint i = 0; i < devices->len; i++)
    report (json, g_ptr_array_index (devices, i));
  if (json) {
    JaJsonEvent *ev = ja_json_event_new ("done");

    ja_json_event_add_int (ev, "count", devices->len);
    ja_json_event_emit (ev);
  } else if (devices->len == 0) {
    printf ("devices: none found (no PulseAudio/PipeWire sound server for "
        "this user, no V4L2 camera)\n");
  }
  fflush (stdout);
  return JA_EXIT_OK;
}
