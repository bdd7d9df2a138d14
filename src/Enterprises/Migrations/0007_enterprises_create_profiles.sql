-- Capability profiles (能力清单) beyond the basics, verified qualifications, and the technology vocabulary.
alter table enterprises.enterprises
    add column products      text[] not null default '{}',
    add column certificates  text[] not null default '{}',
    add column free_tags     text[] not null default '{}',
    add column contact_name  text,
    add column contact_phone text,
    add column public_card   boolean not null default false;

-- The qualifications column of enterprises keeps what matching and eligibility use: the verified, unexpired ones.
-- This table keeps every declaration with its evidence and the officer's verdict.
create table enterprises.qualifications (
    id            uuid primary key,
    enterprise_id uuid not null references enterprises.enterprises (id),
    kind          text not null check (kind in ('高新技术企业', '专精特新', '专精特新小巨人', '科技型中小企业', '上市企业')),
    evidence      text not null check (length(evidence) between 2 and 500),
    expires_on    date,
    status        text not null check (status in ('declared', 'verified', 'rejected')),
    declared_by   uuid,
    declared_at   timestamptz not null,
    reviewed_by   uuid,
    reviewed_at   timestamptz,
    reject_reason text,
    constraint qualifications_one_per_kind unique (enterprise_id, kind),
    constraint qualifications_rejection_has_reason check (status <> 'rejected' or reject_reason is not null)
);

create table enterprises.technology_terms (
    term       text primary key check (length(term) between 1 and 40),
    created_at timestamptz not null
);

insert into enterprises.technology_terms (term, created_at)
select t, now() from unnest(array[
    '物联网', '人工智能', '计算机视觉', '大数据', '云计算', '区块链', '数字孪生', 'BIM', 'GIS', '5G', '边缘计算', '车路协同',
    '自动驾驶', '虚拟现实', '增强现实', '服务机器人', '机械数控', '大语言模型', '自然语言处理', 'OCR', '知识图谱', '语音识别',
    '医学影像', '互联网医院', '可穿戴设备', '智慧教育', '信创', '遥感', '无人机', '光伏', '储能', '氢能', '充电桩', '车网互动',
    '能源互联网', '虚拟电厂', '需求响应', '负荷预测', '微电网', '源网荷储', '碳核算', '近零碳', '水质监测', '养老', '垃圾分类',
    '毫米波雷达', '动态称重', '人脸识别', '政务服务', '智能运维', '安全监测']) as t;
