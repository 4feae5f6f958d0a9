import { maskAddress, maskFreeText, maskName, maskPersonalData } from './masking';

describe('masking of personal data (个人信息脱敏)', () => {
  it('keeps the first and last character of a name', () => {
    expect(maskName('张三')).toBe('张*');
    expect(maskName('张小三')).toBe('张*三');
    expect(maskName('欧阳小明')).toBe('欧**明');
    expect(maskName('买买提·艾力')).toBe('买****力');
    expect(maskName('王')).toBe('*');
  });

  it('cuts an address to its district', () => {
    expect(maskAddress('浙江省杭州市西湖区文三路100号')).toBe('浙江省杭州市西湖区***');
    expect(maskAddress('北京市朝阳区建国路88号')).toBe('北京市朝阳区***');
    expect(maskAddress('上海市浦东新区世纪大道1号')).toBe('上海市浦东新区***');
    expect(maskAddress('广西壮族自治区南宁市青秀区民族大道')).toBe('广西壮族自治区南宁市青秀区***');
    expect(maskAddress('浙江省杭州市建德市新安江街道')).toBe('浙江省杭州市建德市***');
    expect(maskAddress('四川省甘孜藏族自治州康定市炉城镇')).toBe('四川省甘孜藏族自治州康定市***');
    expect(maskAddress('重庆市万州区高笋塘')).toBe('重庆市万州区***');
    // Nothing recognisable as a district: nothing is shown.
    expect(maskAddress('文三路100号3幢')).toBe('***');
    expect(maskAddress('221B Baker Street')).toBe('***');
  });

  it('masks the identifiers free text carries and leaves the rest readable', () => {
    expect(maskFreeText('负责人：李四拒不配合，电话0571-88887777，邮箱lisi@example.com')).toBe(
      '负责人：李**不配合，电话057*****7777，邮箱l***@example.com',
    );
    expect(maskFreeText('身份证号33010619900101123X，手机13912345678')).toBe(
      '身份证号330106********123X，手机139****5678',
    );
    expect(maskFreeText('罚款50000元，杭西市监罚〔2025〕123号')).toBe('罚款50000元，杭西市监罚〔2025〕123号');
  });

  it('masks addresses in long free text, and leaves long runs without an address as they are', () => {
    // A refused row may carry 100 kB cells: a run of letters or digits holds no address.
    const run = 'x'.repeat(100_000);
    expect(maskFreeText(run)).toBe(run);
    expect(maskFreeText('7'.repeat(100_000))).toBe('7'.repeat(100_000));
    expect(maskFreeText(`${run} 联系邮箱 lisi@example.com。`)).toBe(`${run} 联系邮箱 l***@example.com。`);
    expect(maskFreeText('a.b+c@mail.example.gov.cn')).toBe('a***@mail.example.gov.cn');
  });

  it("masks a record's names, addresses and free text, but not a company's name", () => {
    expect(
      maskPersonalData({
        name: '杭州西湖味道餐饮有限公司',
        legalRepresentative: { name: '王建国', idNumber: '330106198001011235' },
        address: '浙江省杭州市西湖区文三路100号',
        contactName: '赵六',
        contactPhone: '13812345678',
        findings: ['经营者周七未公示许可证'],
        violations: { critical: 1 },
      }),
    ).toEqual({
      name: '杭州西湖味道餐饮有限公司',
      legalRepresentative: { name: '王*国', idNumber: '330106********1235' },
      address: '浙江省杭州市西湖区***',
      contactName: '赵*',
      contactPhone: '138****5678',
      findings: ['经营者周**公示许可证'],
      violations: { critical: 1 },
    });
  });
});
