/* q8rt info MODEL [--json] */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli_precision.h"

static const char usage[] = "usage: q8rt info MODEL.q8rt [--json]\n"
                            "Prints the model's ops (type, shapes, MACs, weight bytes) and totals.\n" CLI_EXIT_HELP;

int q8rt_cmd_info(int argc, char** argv) {
  const char* path = NULL;
  bool json = false;
  struct cli_args a = cli_args_init("info", argc, argv);
  while (cli_next(&a)) {
    if (cli_flag(&a, "--help") || cli_flag(&a, "-h")) return fputs(usage, stdout), 0;
    if (cli_flag(&a, "--json")) json = true;
    else if (cli_is_option(&a) || path != NULL) cli_unexpected(&a, usage);
    else path = cli_arg(&a);
  }
  if (a.bad) return CLI_USAGE;
  if (path == NULL) return cli_usage("info", "missing MODEL\n%s", usage);
  q8rt_model* model;
  q8rt_session* session;
  if (cli_open_precision("info", path, 1, Q8RT_PRECISION_INT8, &model, &session) != 0) return CLI_ERROR;
  struct q8rt_model_info mi;
  q8rt_model_get_info(model, &mi);
  const struct q8rt_preprocess* p = &mi.preprocess;
  if (json) {
    printf("{\"model\":");
    cli_json_string(stdout, path, strlen(path));
    printf(",\"input\":[1,%u,%u,%u],\"input_scale\":%.9g,\"input_zero_point\":%u,\"classes\":%u,"
           "\"ops\":%u,\"tensors\":%u,\"macs\":%llu,\"weight_bytes\":%llu,\"arena_bytes\":%zu,"
           "\"class_offset\":%u,\"preprocess\":{\"kind\":\"%s\",\"resize_shorter\":%u,\"central_fraction\":%.9g,"
           "\"crop\":[%u,%u],\"channel_order\":\"%s\",\"mean\":[%.9g,%.9g,%.9g],\"std\":[%.9g,%.9g,%.9g]},\"layers\":[",
           mi.input_height, mi.input_width, mi.input_channels, (double) mi.input_scale, mi.input_zero_point,
           mi.num_classes, mi.op_count, mi.tensor_count, (unsigned long long) mi.macs,
           (unsigned long long) mi.weight_bytes, q8rt_session_arena_bytes(session), mi.class_offset,
           p->kind == Q8RT_CENTRAL_CROP_TF ? "central_crop_tf" : "resize_shorter_crop", p->resize_shorter,
           (double) p->central_fraction, p->height,
           p->width, p->channel_order == Q8RT_BGR ? "bgr" : "rgb", (double) p->mean[0], (double) p->mean[1],
           (double) p->mean[2], (double) p->std[0], (double) p->std[1], (double) p->std[2]);
  } else {
    printf("model        %s\n", path);
    printf("input        uint8 NHWC [1,%u,%u,%u], scale %.9g, zero point %u\n", mi.input_height, mi.input_width,
           mi.input_channels, (double) mi.input_scale, mi.input_zero_point);
    if (p->kind == Q8RT_CENTRAL_CROP_TF) {
      printf("preprocess   central crop %.4g of each side, TF1 bilinear to %ux%u, ", (double) p->central_fraction,
             p->height, p->width);
    } else {
      printf("preprocess   resize shorter side to %u, center crop %ux%u, ", p->resize_shorter, p->height, p->width);
    }
    printf("%s, mean %.3f %.3f %.3f, std %.3f %.3f %.3f\n", p->channel_order == Q8RT_BGR ? "BGR" : "RGB",
           (double) p->mean[0], (double) p->mean[1], (double) p->mean[2], (double) p->std[0], (double) p->std[1],
           (double) p->std[2]);
    if (mi.class_offset != 0) {
      printf("classes      %u outputs; output i is dataset class i - %u\n", mi.num_classes, mi.class_offset);
    }
    printf("\n %3s  %-10s %-8s %-18s %-18s %-7s %12s %10s\n", "#", "op", "output", "input (NHWC)", "output (NHWC)",
           "kernel", "MACs", "weights");
  }
  for (uint32_t i = 0; i < mi.op_count; i++) {
    struct q8rt_op_info oi;
    q8rt_model_get_op_info(model, i, &oi);
    char in[32], out[32], kernel[16] = "-";
    snprintf(in, sizeof in, "%ux%ux%ux%u", oi.input_dims[0], oi.input_dims[1], oi.input_dims[2], oi.input_dims[3]);
    snprintf(out, sizeof out, "%ux%ux%ux%u", oi.output_dims[0], oi.output_dims[1], oi.output_dims[2],
             oi.output_dims[3]);
    const bool windowed = strcmp(oi.type, "conv") == 0 || strcmp(oi.type, "dwconv") == 0 || strcmp(oi.type, "avgpool") == 0;
    if (windowed) snprintf(kernel, sizeof kernel, "%ux%u/%u", oi.kernel_h, oi.kernel_w, oi.stride_h);
    if (json) {
      printf("%s{\"type\":\"%s\",\"output\":", i ? "," : "", oi.type);
      cli_json_string(stdout, oi.output_name, oi.output_name_size);
      printf(",\"caffe2_op\":%u,\"input\":[%u,%u,%u,%u],\"output_shape\":[%u,%u,%u,%u],\"macs\":%llu,"
             "\"weight_bytes\":%llu}",
             oi.source_op, oi.input_dims[0], oi.input_dims[1], oi.input_dims[2], oi.input_dims[3], oi.output_dims[0],
             oi.output_dims[1], oi.output_dims[2], oi.output_dims[3], (unsigned long long) oi.macs,
             (unsigned long long) oi.weight_bytes);
    } else {
      /* Long names (TFLite joins the names of fused ops with ';') are cut to 24 bytes and "..." here; --json has
       * them whole. */
      const bool cut = oi.output_name_size > 27;
      printf(" %3u  %-10s %-*.*s%s %-18s %-18s %-7s %12llu %10llu\n", i, oi.type, cut ? 24 : 8,
             (int) (cut ? 24 : oi.output_name_size), oi.output_name, cut ? "..." : "", in, out, kernel,
             (unsigned long long) oi.macs, (unsigned long long) oi.weight_bytes);
    }
  }
  if (json) {
    printf("]}\n");
  } else {
    printf("\nops %u, tensors %u, MACs %llu (%.1f M), weights %llu bytes, arena %zu bytes (activations + "
           "indirection)\n",
           mi.op_count, mi.tensor_count, (unsigned long long) mi.macs, (double) mi.macs / 1e6,
           (unsigned long long) mi.weight_bytes, q8rt_session_arena_bytes(session));
  }
  q8rt_session_free(session);
  q8rt_model_free(model);
  return 0;
}
