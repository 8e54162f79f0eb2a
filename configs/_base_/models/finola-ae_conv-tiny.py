# FINOLA autoencoder on the plain autoencoder's encoder and decoder
# (_base_/models/plain-ae_conv-tiny.py): a Linear to q replaces the
# bottleneck, and FINOLA grows the 4x4 map from q where the plain
# autoencoder has a free Linear layer. Set C with neck.channels and the
# paths with neck.num_paths. Defaults chosen by docs/finola_training.md.
_base_ = './plain-ae_conv-tiny.py'
model = dict(
    type='FINOLAAutoencoder',
    neck=dict(
        _delete_=True, type='FINOLANeck', in_channels=128, pool='linear',
        feat_size=4, channels=512, num_paths=1, latent_size=4, img_size=32,
        decoder_channels=(128, 64, 32, 32),
        decoder_cfg=dict(num_res_blocks=0, upsample_norm_act=True,
                         num_latent_convs=1),
        finola_cfg=dict(negative_steps='separate', axis_order='yx',
                        aggregation='sum', init_std=2.0, seed_norm=True)))
