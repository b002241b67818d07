/* f32gemm 4x8, portable C. */
#define F32GEMM_MR 4
#define F32GEMM_NR 8
#define F32GEMM_NAME q8rt_f32gemm_ukernel_4x8__scalar
#include "scalar-template.h"
