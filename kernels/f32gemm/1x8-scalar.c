/* f32gemm 1x8, portable C. */
#define F32GEMM_MR 1
#define F32GEMM_NR 8
#define F32GEMM_NAME q8rt_f32gemm_ukernel_1x8__scalar
#include "scalar-template.h"
