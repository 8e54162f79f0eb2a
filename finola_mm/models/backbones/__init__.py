from .conv_encoder import ConvEncoder  # noqa: F401
from .vit_pretrain import (BlockMaskedViT, MAEViTStart, SimMIMViT,  # noqa: F401
                           VisibleTokenViT)
from .mobile_former import MobileFormer  # noqa: F401
from .mobile_former_pretrain import BlockMaskedMobileFormer, SimMIMMobileFormer  # noqa: F401
